// Names as analysts type them. The full-text index created here until round 13 (`entity_names`,
// over `names` alone) is replaced by `entity_search` (013_search_kinds.cypher), which also holds
// each entity's kind, so that search(kinds:) filters inside the index.
