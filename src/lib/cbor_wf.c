/* placeholder: being written */
typedef int sceau_placeholder_cbor_wf;
