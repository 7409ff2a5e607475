/* placeholder: being written */
typedef int sceau_placeholder_qrwrap;
