/**
 * What an actor's profile fetches ahead, read from the request: the `actor` field's participations
 * page (and its projects' funders), and the sibling `partners` field of the same actor. The `actor`
 * and `partners` resolvers both read it and ask the actor repository for the same profile, which
 * runs one statement for both (whichever resolver comes first starts it).
 */
import type { FieldNode, GraphQLResolveInfo } from "graphql";
import { LIMITS } from "../analytics/analytics.repository.js";
import { decodeCursor, pageSize } from "../shared/pagination.js";
import { argumentsOf, fieldNamesUnder, rootFields, selectedUnder } from "../shared/selection.js";
import type { ParticipationPage, PartnersAhead, ProfileAhead, ProfileProjection } from "./actor.repository.js";

/**
 * The participations page an actor's selection asks for (one `participations` field, its arguments
 * read as the field resolver will read them), and whether the projects' funders are selected.
 * Null when there is none, or when anything about it is unusual: the field then loads as usual
 * (and reports its own argument errors).
 */
function participationsAhead(info: GraphQLResolveInfo, actor: readonly FieldNode[]): { page: ParticipationPage; withFunders: boolean } | null {
  const fields = selectedUnder(info, actor, ["participations"]);
  if (fields.length !== 1) return null;
  try {
    const args = argumentsOf(info, fields[0]!);
    if (Object.keys(args).some((k) => !["first", "after", "roles"].includes(k))) return null;
    const roles = args.roles as string[] | null | undefined;
    const after = args.after as string | null | undefined;
    const page = { roles: roles ?? null, first: pageSize((args.first as number | null | undefined) ?? null), after: after ? (decodeCursor(after) as [string, string]) : null };
    return { page, withFunders: selectedUnder(info, actor, ["participations", "edges", "node", "project", "funders"]).length > 0 };
  } catch {
    return null;
  }
}

/** The fields whose values the partner tallies cannot give: asked for, they cost a pass over the shared projects. */
const PARTNER_DETAILS = ["firstYear", "lastYear", "projectIds"];

/** What the `partners` root field asks, when it can be folded into `actor`'s profile: the same reference, no filter, a valid `first`, no directives. */
function partnersAhead(info: GraphQLResolveInfo, actor: FieldNode, partners: FieldNode): PartnersAhead | null {
  if (actor.directives?.length || partners.directives?.length) return null;
  const actorArgs = argumentsOf(info, actor);
  const args = argumentsOf(info, partners);
  if (Object.keys(args).some((k) => !["actor", "filter", "first"].includes(k))) return null;
  if (typeof actorArgs.reference !== "string" || args.actor !== actorArgs.reference || (args.filter !== undefined && args.filter !== null)) return null;
  const first = (args.first as number | null | undefined) ?? 20;
  if (!Number.isInteger(first) || first < 1 || first > LIMITS.maxPartners) return null;
  const details = PARTNER_DETAILS.some((name) => selectedUnder(info, [partners], [name]).length > 0);
  return { first, details };
}

/** The one `actor` and the one `partners` field at the operation's root, when there is exactly one of each. */
function profileFields(info: GraphQLResolveInfo): { actor: FieldNode; partners: FieldNode | null } | null {
  if (info.operation.operation !== "query") return null;
  const root = rootFields(info);
  const actors = root.filter((f) => f.name.value === "actor");
  const partners = root.filter((f) => f.name.value === "partners");
  if (actors.length !== 1) return null;
  return { actor: actors[0]!, partners: partners.length === 1 ? partners[0]! : null };
}

const NODE = ["participations", "edges", "node"];

/**
 * The fields selected on the actor, its participations, their projects and funders, and the folded
 * partners' actors: the profile fetches only these. Both resolvers compute it from the same nodes,
 * so that they ask for the same profile.
 */
function projectionOf(info: GraphQLResolveInfo, actor: readonly FieldNode[], partners: FieldNode | null): ProfileProjection {
  return {
    actor: fieldNamesUnder(info, actor, []),
    participation: fieldNamesUnder(info, actor, NODE),
    project: fieldNamesUnder(info, actor, [...NODE, "project"]),
    funder: fieldNamesUnder(info, actor, [...NODE, "project", "funders"]),
    partner: partners ? fieldNamesUnder(info, [partners], ["actor"]) : new Set(),
  };
}

/** For the `actor` field: what its profile fetches ahead, or null when nothing is (the entity loads as usual). */
export function actorProfileAhead(info: GraphQLResolveInfo): ProfileAhead | null {
  const participations = participationsAhead(info, info.fieldNodes);
  const fields = profileFields(info);
  const partners = fields?.partners && info.fieldNodes.length === 1 && info.fieldNodes[0] === fields.actor ? partnersAhead(info, fields.actor, fields.partners) : null;
  if (!participations && !partners) return null;
  const projection = projectionOf(info, info.fieldNodes, partners ? fields!.partners : null);
  return { page: participations?.page ?? null, withFunders: participations?.withFunders ?? false, partners, projection };
}

/** For the `partners` field: the profile of the sibling `actor` field that fetches these partners, or null. */
export function partnersProfileAhead(info: GraphQLResolveInfo): ProfileAhead | null {
  const fields = profileFields(info);
  if (!fields?.partners || info.fieldNodes.length !== 1 || info.fieldNodes[0] !== fields.partners) return null;
  const partners = partnersAhead(info, fields.actor, fields.partners);
  if (!partners) return null;
  const participations = participationsAhead(info, [fields.actor]);
  const projection = projectionOf(info, [fields.actor], fields.partners);
  return { page: participations?.page ?? null, withFunders: participations?.withFunders ?? false, partners, projection };
}
