# Writes OUT, a C++ file defining crm::embedded::SYMBOL as the text of IN.
# Run by crm_embed_text at build time: cmake -DIN=.. -DOUT=.. -DSYMBOL=.. -P
file(READ "${IN}" content)
file(WRITE "${OUT}"
  "// Generated from ${IN}; do not edit.\n"
  "namespace crm::embedded {\n"
  "extern const char ${SYMBOL}[];\n"
  "const char ${SYMBOL}[] = R\"crm_embed(${content})crm_embed\";\n"
  "}  // namespace crm::embedded\n")
