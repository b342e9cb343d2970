// Round 13: search(kinds:) filters by kind inside the full-text index instead of reading hits of
// every kind and dropping the others. Each named entity carries its kind (`searchKind`: Agency,
// Organization, Person, Group, Project, Event, Country, Region, Theme; the writer sets it, from the
// record's type); nodes written before get it here (cheap at each start: only those without it).
MATCH (n:Actor|Project|Event|Country|Region|Theme) WHERE n.searchKind IS NULL
CALL (n) { SET n.searchKind = [l IN labels(n) WHERE l <> 'Actor'][0] } IN TRANSACTIONS OF 10000 ROWS;
// Names as analysts type them: name, official name, acronyms and aliases, accent- and
// case-insensitive ("fiscalia" finds "Fiscalía"). `names` is one string holding all of them; queries
// name the field (`names:(...)`, fuzzyQuery), so that the kind's field scores nothing: a kind is
// asked as `AND searchKind:(agency OR project)^0`, which adds 0 to every score.
CREATE FULLTEXT INDEX entity_search IF NOT EXISTS
FOR (n:Actor|Project|Event|Country|Region|Theme) ON EACH [n.names, n.searchKind]
OPTIONS { indexConfig: { `fulltext.analyzer`: 'standard-folding', `fulltext.eventually_consistent`: false } };
// The index before, over names alone (003 created it on graphs seeded before).
DROP INDEX entity_names IF EXISTS;
