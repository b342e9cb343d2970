/** The parts of IATI's code lists (IATI/IATI-Codelists, version 2.03) the importer needs. */

export const TRANSACTION_TYPES: Record<string, string> = {
  "1": "incoming-funds", "2": "outgoing-commitment", "3": "disbursement", "4": "expenditure",
  "5": "interest-payment", "6": "loan-repayment", "7": "reimbursement", "8": "purchase-of-equity",
  "9": "sale-of-equity", "10": "credit-guarantee", "11": "incoming-commitment", "12": "outgoing-pledge",
  "13": "incoming-pledge",
};

export const RELATED_ACTIVITY_TYPES: Record<string, string> = {
  "1": "parent", "2": "child", "3": "sibling", "4": "co-funded", "5": "third-party",
};

export const ORGANISATION_TYPES: Record<string, string> = {
  "10": "government", "11": "local-government", "15": "other-public-sector", "21": "international-ngo",
  "22": "national-ngo", "23": "regional-ngo", "24": "partner-country-ngo", "30": "public-private-partnership",
  "40": "multilateral", "60": "foundation", "70": "private-sector", "71": "private-sector-provider-country",
  "72": "private-sector-aid-recipient-country", "73": "private-sector-third-country", "80": "academic-research",
  "90": "other",
};

export const ACTIVITY_STATUS: Record<string, string> = {
  "1": "pipeline", "2": "implementation", "3": "finalisation", "4": "closed", "5": "cancelled", "6": "suspended",
};

/** DAC 5-digit purpose codes seen in published data; others are named "DAC sector <code>". */
export const DAC_SECTORS: Record<string, string> = {
  "11110": "Education policy and administrative management",
  "12110": "Health policy and administrative management",
  "12191": "Medical services",
  "12220": "Basic health care",
  "12230": "Basic health infrastructure",
  "12240": "Basic nutrition",
  "12250": "Infectious disease control",
  "12261": "Health education",
  "12262": "Malaria control",
  "12263": "Tuberculosis control",
  "12264": "COVID-19 control",
  "12281": "Health personnel development",
  "12310": "NCDs control, general",
  "13010": "Population policy and administrative management",
  "13020": "Reproductive health care",
  "13030": "Family planning",
  "13040": "STD control including HIV/AIDS",
  "15110": "Public sector policy and administrative management",
  "15113": "Anti-corruption organisations and institutions",
  "15130": "Legal and judicial development",
  "15150": "Democratic participation and civil society",
  "15160": "Human rights",
  "15170": "Women's rights organisations and movements, and government institutions",
  "15180": "Ending violence against women and girls",
  "15210": "Security system management and reform",
  "16010": "Social protection",
  "16020": "Employment creation",
  "16050": "Multisector aid for basic social services",
  "43010": "Multisector aid",
  "72010": "Material relief assistance and services",
  "72050": "Relief co-ordination and support services",
  "74020": "Multi-hazard response preparedness",
  "99810": "Sectors not specified",
};

export const SECTOR_VOCABULARIES: Record<string, { prefix: string; label: string }> = {
  "1": { prefix: "dac", label: "DAC sector" },
  "2": { prefix: "dac3", label: "DAC 3-digit sector" },
  "7": { prefix: "sdg-goal", label: "SDG goal" },
  "8": { prefix: "sdg-target", label: "SDG target" },
  "9": { prefix: "sdg-indicator", label: "SDG indicator" },
};

/**
 * OECD-DAC recipient regions (IATI's Region vocabulary 1) lying within a UN M49 region, so that an
 * activity for "South America, regional" is found by a question about South America or Latin America.
 * Only where every ODA recipient of the DAC region is in the M49 one: 589 "Middle East" (Iran is in
 * Southern Asia) and 998 "Developing countries, unspecified" are left out.
 */
export const DAC_REGION_IN_M49: Record<string, string> = {
  "89": "150", // Europe, regional
  "189": "015", // North of Sahara
  "289": "202", // South of Sahara
  "298": "002", // Africa, regional
  "380": "029", // West Indies
  "389": "419", // North & Central America, regional: its recipients are Mexico, Central America and the Caribbean
  "489": "005", // South America, regional
  "498": "419", // America, regional: the Americas' recipients are all in Latin America and the Caribbean
  "619": "143", // Central Asia, regional
  "679": "034", // South Asia, regional
  "689": "142", // South & Central Asia, regional
  "789": "142", // Far East Asia, regional (Eastern and South-eastern Asia)
  "798": "142", // Asia, regional
  "889": "009", // Oceania, regional
  "1027": "014", // Eastern Africa, regional
  "1028": "017", // Middle Africa, regional
  "1029": "018", // Southern Africa, regional
  "1030": "011", // Western Africa, regional
  "1031": "029", // Caribbean, regional
  "1032": "013", // Central America, regional
  "1033": "054", // Melanesia, regional
  "1034": "057", // Micronesia, regional
  "1035": "061", // Polynesia, regional
};
