// Round 12: the reference gives the United States the alias "US" and the United Arab Emirates "UAE"
// and "EAU" (Ask reads a word in capitals as a name, never as a bare country code). A graph seeded
// before gets them here; a new one from the seed (this finds nothing there yet). "US" is in the
// full-text names already (as the code); "UAE" and "EAU" are added to them.
MATCH (c:Country {id: 'country:US'}) WHERE NOT 'US' IN coalesce(c.aliases, []) SET c.aliases = coalesce(c.aliases, []) + 'US';
MATCH (c:Country {id: 'country:AE'}) WHERE NOT 'UAE' IN coalesce(c.aliases, []) SET c.aliases = coalesce(c.aliases, []) + ['UAE', 'EAU'], c.names = c.names + ' | UAE | EAU';
