// Names as analysts type them: name, official name, acronyms and aliases, accent- and
// case-insensitive ("fiscalia" finds "Fiscalía"). `names` is one string holding all of them.
CREATE FULLTEXT INDEX entity_names IF NOT EXISTS
FOR (n:Actor|Project|Event|Country|Region|Theme) ON EACH [n.names]
OPTIONS { indexConfig: { `fulltext.analyzer`: 'standard-folding', `fulltext.eventually_consistent`: false } };
