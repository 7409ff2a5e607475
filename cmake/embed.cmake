# Write OUT, a C file defining `const char NAME[]` with the bytes of IN and
# a terminating NUL: the documented examples compiled into the program, so
# `sceau demo` uses exactly what docs/examples shows.
function(sceau_embed in out name)
  file(READ "${in}" hex HEX)
  string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
  string(REGEX REPLACE "(0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,)" "\\1\n  " bytes "${bytes}")
  file(WRITE "${out}.tmp"
       "/* Generated from ${in} by cmake/embed.cmake; do not edit. */\n"
       "extern const char ${name}[];\nconst char ${name}[] = {\n  ${bytes}0x00};\n")
  configure_file("${out}.tmp" "${out}" COPYONLY)
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS "${in}")
endfunction()
