/**
 * Mutations. Every write needs the editor role (deletes, merges and imports need admin), cites a
 * source with a quote, is validated before it reaches the database, and is one transaction.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Arg, Ctx, Mutation, Resolver } from "type-graphql";
import { requireRole, type Role } from "../../auth/roles.js";
import type { Context } from "../context.js";
import { ErrorCode, userError } from "../shared/errors.js";
import { ImportError, XmlSyntaxError, importFile, type RelationshipRecord } from "../../ingest/index.js";
import { ACTOR_TYPES, NODE_TYPES, PARTICIPATION_ROLES, type NodeType, type RelationshipType } from "../../model/model.js";
import { normalizeName } from "../../model/names.js";
import { resolveOne } from "../node/by-reference.js";
import { EditingRepository, type StoredEntity, type WriteTarget } from "./editing.repository.js";
import {
  ActorInput, CitationInput, EditableRelationship, EventInput, FundingInput, ImportFormatInput, ImportResult,
  ParticipationInput, ProjectInput, RelationshipInput, RemovalResult, SourceInput, ThemeInput, WriteResult,
} from "./editing.types.js";
import * as check from "./validation.js";

const RELATED = ["parent", "child", "sibling", "co-funded", "third-party"] as const;

function allowed(ctx: Context, role: Role, action: string): EditingRepository {
  requireRole(ctx.caller, role, action);
  return new EditingRepository(ctx.db, ctx.timeoutMs, ctx.referenceCache);
}

function citation(input: CitationInput) {
  const source = check.text("citation.source", input.source, { required: true })!;
  if (!source.startsWith("source:")) throw check.fieldError("citation.source", `"${source}" is not a source id (source:...)`);
  return [{ source, quote: check.text("citation.quote", input.quote, { required: true, max: 2000 })! }];
}

/** Where an upsert of this kind writes: the id given, or the one derived from its name. */
function targetFor(type: NodeType, given: string | undefined, name: string): WriteTarget {
  const prefix = NODE_TYPES[type].prefix;
  if (given === undefined) return derivedTarget(prefix, name, (stored) => sameName(stored.props.name, name));
  if (!given.startsWith(`${prefix}:`) || /\s/.test(given) || given.length > 200) throw check.fieldError("id", `"${given}" must look like ${prefix}:<slug>`);
  return { id: given };
}

const sameName = (stored: unknown, name: string) => typeof stored === "string" && normalizeName(stored) === normalizeName(name);

/**
 * The id derived from a name or a key. A slug longer than an id takes ends in a digest of the
 * whole (check.idSlug); before, it was cut at 80 characters, so an entity written then under the
 * cut id keeps it when `same` says it is the one being written (no duplicate on writing it again).
 * The stored entity is read in the write's own transaction (EditingRepository.writeTo).
 */
function derivedTarget(prefix: string, text: string, same: (stored: StoredEntity) => boolean, legacyText = text): WriteTarget {
  const id = `${prefix}:${check.idSlug(text)}`;
  const legacy = `${prefix}:${check.legacyIdSlug(legacyText)}`;
  return id === legacy ? { id } : { derived: id, legacy, same };
}

/** Keeps only the properties the caller gave: an update leaves the others as they are. */
function defined(props: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(props).filter(([, v]) => v !== undefined));
}

async function one(ctx: Context, reference: string, types: ReadonlySet<NodeType>): Promise<string> {
  return (await resolveOne(ctx.repos.references, reference, types)).id;
}

@Resolver()
export class EditingResolver {
  @Mutation(() => WriteResult, { description: "Creates or updates a source (editor)." })
  async upsertSource(@Ctx() ctx: Context, @Arg("input", () => SourceInput) input: SourceInput) {
    const repo = allowed(ctx, "editor", "upsertSource");
    const title = check.text("title", input.title, { required: true, max: 500 })!;
    const given = input.id ? check.text("id", input.id, { required: true })! : undefined;
    if (given !== undefined && (!given.startsWith("source:") || /\s/.test(given))) throw check.fieldError("id", `"${given}" must look like source:<slug>`);
    const fields = {
      title, kind: check.text("kind", input.kind, { required: true, max: 50 })!,
      author: check.text("author", input.author), publisher: check.text("publisher", input.publisher),
      url: check.text("url", input.url, { max: 2000 }), language: check.text("language", input.language, { max: 10 }),
    };
    return repo.upsertSource(given ? { id: given } : derivedTarget("source", title, (stored) => sameName(stored.props.title, title)), (id) => ({ id, ...fields }));
  }

  @Mutation(() => WriteResult, { description: "Creates or updates an agency, organization, person or group (editor). Upserts by id, else by IATI ref, else by name. An IATI ref of an actor merged away names the actor it was merged into: that one is updated, keeping its own name (the name given becomes an alias) and IATI ref." })
  async upsertActor(@Ctx() ctx: Context, @Arg("input", () => ActorInput) input: ActorInput) {
    const repo = allowed(ctx, "editor", "upsertActor");
    const name = check.text("name", input.name, { required: true })!;
    const type = input.kind as NodeType;
    // By IATI ref: the actor that has it, or the one an actor that had it was merged into.
    const byName = targetFor(type, input.id, name);
    const target: WriteTarget = !input.id && input.iatiRef
      ? { iati: { key: "iatiRef", value: input.iatiRef.trim(), prefix: NODE_TYPES[type].prefix }, otherwise: byName } : byName;
    if (input.jurisdiction !== undefined) check.oneOf("jurisdiction", input.jurisdiction, ["national", "subnational"] as const);
    const sources = citation(input.citation);
    const fields = defined({
      officialName: check.text("officialName", input.officialName), officialNameLanguage: check.text("officialNameLanguage", input.officialNameLanguage, { max: 10 }),
      acronyms: check.textList("acronyms", input.acronyms), aliases: check.textList("aliases", input.aliases),
      agencyType: check.text("agencyType", input.agencyType), jurisdiction: input.jurisdiction,
      jurisdictionArea: check.text("jurisdictionArea", input.jurisdictionArea), organizationType: check.text("organizationType", input.organizationType),
      iatiRef: check.text("iatiRef", input.iatiRef, { max: 100 }), headquarters: check.text("headquarters", input.headquarters),
      groupType: check.text("groupType", input.groupType),
    });
    const countries = input.basedIn?.length ? (await ctx.repos.references.resolveAll(input.basedIn, new Set(["Country"]))).map((c) => c.id) : [];
    return repo.writeTo(target, (id) => ({
      nodes: [{ id, type, name, sources, ...fields }], relationships: countries.map((c): RelationshipRecord => ({ type: "BASED_IN", from: id, to: c, sources })),
    }));
  }

  @Mutation(() => WriteResult, { description: "Creates or updates a project or program (editor). Upserts by id, else by IATI identifier, else by name. An IATI identifier of a project merged away names the project it was merged into: that one is updated, keeping its own name (the name given becomes an alias) and identifier." })
  async upsertProject(@Ctx() ctx: Context, @Arg("input", () => ProjectInput) input: ProjectInput) {
    const repo = allowed(ctx, "editor", "upsertProject");
    const name = check.text("name", input.name, { required: true })!;
    // By IATI identifier: the project that has it, or the one a project that had it was merged into.
    const byName = targetFor("Project", input.id, name);
    const target: WriteTarget = !input.id && input.iatiIdentifier
      ? { iati: { key: "iatiIdentifier", value: input.iatiIdentifier.trim(), prefix: "project" }, otherwise: byName } : byName;
    const startYear = check.year("startYear", input.startYear);
    const endYear = check.year("endYear", input.endYear);
    if (startYear !== undefined && endYear !== undefined && endYear < startYear) throw check.fieldError("endYear", `${endYear} is before startYear ${startYear}`);
    const sources = citation(input.citation);
    const fields = defined({
      kind: check.text("kind", input.kind, { required: true, max: 50 }), description: check.text("description", input.description, { max: 5000 }),
      acronyms: check.textList("acronyms", input.acronyms), aliases: check.textList("aliases", input.aliases),
      startDate: check.isoDate("startDate", input.startDate), endDate: check.isoDate("endDate", input.endDate),
      startYear, endYear, iatiIdentifier: check.text("iatiIdentifier", input.iatiIdentifier, { max: 200 }),
    });
    const themes = input.themes?.length ? (await ctx.repos.references.resolveAll(input.themes, new Set(["Theme"]))).map((t) => t.id) : [];
    return repo.writeTo(target, (id) => ({ nodes: [{ id, type: "Project", name, sources, ...fields, stub: false }], relationships: themes.map((t): RelationshipRecord => ({ type: "ABOUT", from: id, to: t, sources })) }));
  }

  @Mutation(() => WriteResult, { description: "Creates or updates a conference or session (editor)." })
  async upsertEvent(@Ctx() ctx: Context, @Arg("input", () => EventInput) input: EventInput) {
    const repo = allowed(ctx, "editor", "upsertEvent");
    const name = check.text("name", input.name, { required: true })!;
    const target = targetFor("Event", input.id, name);
    const fields = { type: "Event", name, sources: citation(input.citation), ...defined({
      kind: check.text("kind", input.kind, { required: true, max: 50 }), aliases: check.textList("aliases", input.aliases),
      startDate: check.isoDate("startDate", input.startDate), endDate: check.isoDate("endDate", input.endDate),
    }) };
    return repo.writeTo(target, (id) => ({ nodes: [{ id, ...fields }], relationships: [] }));
  }

  @Mutation(() => WriteResult, { description: "Creates or updates a theme (editor)." })
  async upsertTheme(@Ctx() ctx: Context, @Arg("input", () => ThemeInput) input: ThemeInput) {
    const repo = allowed(ctx, "editor", "upsertTheme");
    const name = check.text("name", input.name, { required: true })!;
    const target = targetFor("Theme", input.id, name);
    const fields = { type: "Theme", name, sources: citation(input.citation), ...defined({
      nameEs: check.text("nameEs", input.nameEs), aliases: check.textList("aliases", input.aliases),
    }) };
    return repo.writeTo(target, (id) => ({ nodes: [{ id, ...fields }], relationships: [] }));
  }

  @Mutation(() => WriteResult, { description: "States that an actor takes part in a project in a role (editor). Idempotent." })
  async addParticipation(@Ctx() ctx: Context, @Arg("input", () => ParticipationInput) input: ParticipationInput) {
    const repo = allowed(ctx, "editor", "addParticipation");
    const role = check.oneOf("role", input.role, PARTICIPATION_ROLES);
    const [actor, project] = await Promise.all([one(ctx, input.actor, ACTOR_TYPES), one(ctx, input.project, new Set(["Project"]))]);
    const existed = await repo.relationshipExists("PARTICIPATES_IN", actor, project, { role });
    await repo.write(project, [], [{ type: "PARTICIPATES_IN", from: actor, to: project, role, sources: citation(input.citation) }]);
    return { id: `${actor} PARTICIPATES_IN ${project} as ${role}`, created: !existed };
  }

  @Mutation(() => Boolean, { description: "Removes a participation (editor). False when there was none." })
  async removeParticipation(
    @Ctx() ctx: Context,
    @Arg("actor", () => String) actorRef: string,
    @Arg("project", () => String) projectRef: string,
    @Arg("role", () => String) role: string,
  ) {
    const repo = allowed(ctx, "editor", "removeParticipation");
    const [actor, project] = await Promise.all([one(ctx, actorRef, ACTOR_TYPES), one(ctx, projectRef, new Set(["Project"]))]);
    return (await repo.removeRelationship("PARTICIPATES_IN", actor, project, { role })) > 0;
  }

  @Mutation(() => WriteResult, { description: "States any other relationship of the model (editor): positions, memberships, places, themes, events, related projects." })
  async addRelationship(@Ctx() ctx: Context, @Arg("input", () => RelationshipInput) input: RelationshipInput) {
    const repo = allowed(ctx, "editor", "addRelationship");
    const type = input.type as RelationshipType;
    const [from, to] = await ctx.repos.references.resolveAll([input.from, input.to]);
    const keys: Record<string, unknown> = {};
    if (type === "HOLDS_POSITION") keys.title = check.text("title", input.title, { required: true });
    if (type === "RELATED_TO") keys.relation = check.oneOf("relation", input.relation ?? "", RELATED);
    const record: RelationshipRecord = {
      type, from: from!.id, to: to!.id, sources: citation(input.citation), ...keys,
      ...defined({
        role: check.text("role", input.role, { max: 50 }), startDate: check.isoDate("startDate", input.startDate),
        endDate: check.isoDate("endDate", input.endDate), percentage: check.percentage("percentage", input.percentage),
      }),
    };
    const existed = await repo.relationshipExists(type, from!.id, to!.id, keys);
    await repo.write(from!.id, [], [record]);
    return { id: `${from!.id} ${type} ${to!.id}`, created: !existed };
  }

  @Mutation(() => Boolean, { description: "Removes a relationship (editor). False when there was none." })
  async removeRelationship(
    @Ctx() ctx: Context,
    @Arg("type", () => EditableRelationship) type: EditableRelationship,
    @Arg("from", () => String) fromRef: string,
    @Arg("to", () => String) toRef: string,
    @Arg("title", () => String, { nullable: true }) title: string | null,
    @Arg("relation", () => String, { nullable: true }) relation: string | null,
  ) {
    const repo = allowed(ctx, "editor", "removeRelationship");
    const [from, to] = await ctx.repos.references.resolveAll([fromRef, toRef]);
    const keys = defined({ title: type === "HOLDS_POSITION" ? title ?? undefined : undefined, relation: type === "RELATED_TO" ? relation ?? undefined : undefined });
    return (await repo.removeRelationship(type as RelationshipType, from!.id, to!.id, keys)) > 0;
  }

  @Mutation(() => WriteResult, { description: "Records a funding flow: who gives, for which project, how much (editor). An unknown amount is left out, never 0." })
  async recordFunding(@Ctx() ctx: Context, @Arg("input", () => FundingInput) input: FundingInput) {
    const repo = allowed(ctx, "editor", "recordFunding");
    const amount = check.amount("amount", input.amount);
    const currency = check.currency("currency", input.currency);
    if (amount !== undefined && currency === undefined) throw check.fieldError("currency", "is required with an amount");
    const date = check.isoDate("date", input.date);
    const flowType = check.text("flowType", input.flowType, { max: 50 }) ?? "grant";
    const [funder, project, recipient] = await Promise.all([
      one(ctx, input.funder, ACTOR_TYPES), one(ctx, input.project, new Set(["Project"])),
      input.recipient ? one(ctx, input.recipient, ACTOR_TYPES) : Promise.resolve(undefined),
    ]);
    const sources = citation(input.citation);
    // The flow's whole key: two flows that differ in anything (the recipient too) are two flows.
    const fields = `${funder}-${project}-${flowType}-${date ?? "undated"}-${amount ?? "unknown"}-${currency ?? ""}`;
    const target = derivedTarget("funding", `${fields}${recipient ? `-to-${recipient}` : ""}`, ({ props, ends }) =>
      ends.funder === funder && ends.project === project && props.flowType === flowType && (props.date ?? null) === (date ?? null)
        && (props.amount ?? null) === (amount ?? null) && (props.currency ?? null) === (currency ?? null)
        && ends.recipients.join() === (recipient ?? ""), fields);
    return repo.writeTo(target, (id) => ({
      nodes: [{ id, type: "Funding", kind: "stated", flowType, amount: amount ?? null, currency: currency ?? null, date: date ?? null, sources }],
      relationships: [
        { type: "FUNDED", from: funder, to: id, sources },
        { type: "FUNDS", from: id, to: project, sources },
        ...(recipient ? [{ type: "RECEIVED_BY", from: id, to: recipient, sources }] : []),
      ],
    }));
  }

  @Mutation(() => RemovalResult, { description: "Deletes an entity with its relationships, and the funding flows of a deleted project or funder (admin)." })
  async deleteEntity(@Ctx() ctx: Context, @Arg("id", () => String) id: string) {
    const repo = allowed(ctx, "admin", "deleteEntity");
    const removed = await repo.deleteEntity(id);
    if (!removed) throw userError(`no entity ${id}`, ErrorCode.NOT_FOUND, { id });
    return { id, ...removed };
  }

  @Mutation(() => RemovalResult, { description: "Merges a duplicate into the entity to keep: relationships move, names become aliases, the duplicate is deleted (admin)." })
  async mergeEntities(@Ctx() ctx: Context, @Arg("keep", () => String) keep: string, @Arg("remove", () => String) remove: string) {
    const repo = allowed(ctx, "admin", "mergeEntities");
    const result = await repo.merge(keep, remove, { by: ctx.caller });
    return { id: keep, relationships: result.relationships, fundingFlows: 0 };
  }

  @Mutation(() => ImportResult, { description: "Imports IATI XML, JSON (seed format) or CSV given as text (admin); same pipeline as `npm run import`." })
  async importData(
    @Ctx() ctx: Context,
    @Arg("format", () => ImportFormatInput) format: ImportFormatInput,
    @Arg("content", () => String) content: string,
    @Arg("fileName", () => String, { nullable: true }) fileName: string | null,
    @Arg("dryRun", () => Boolean, { defaultValue: false }) dryRun: boolean,
  ) {
    requireRole(ctx.caller, "admin", "importData");
    const ext = { [ImportFormatInput.IATI_XML]: ".xml", [ImportFormatInput.JSON]: ".json", [ImportFormatInput.CSV]: ".csv" }[format];
    const base = fileName ? path.basename(fileName).replace(/\.[^.]*$/, "") : `upload-${Date.now()}`;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "coopgraph-import-"));
    const file = path.join(dir, `${base}${ext}`);
    try {
      fs.writeFileSync(file, content);
      const summary = await importFile(ctx.db, file, { dryRun });
      return summary;
    } catch (err) {
      // What is wrong with the content is the caller's to fix: said with the upload's name, not the
      // server's folder. A fault of the database under an IATI import keeps its own handling
      // (masked, or DATABASE_UNAVAILABLE), with the count of what was committed (formatError).
      const cause = err instanceof ImportError ? err.cause : undefined;
      const inContent = err instanceof XmlSyntaxError || (err instanceof ImportError && (cause === undefined || cause instanceof XmlSyntaxError || cause instanceof ImportError));
      if (inContent) throw userError((err as Error).message.split(file).join(path.basename(file)), ErrorCode.BAD_USER_INPUT);
      throw err;
    } finally {
      // After the import's transactions (some may have committed even when it failed).
      ctx.referenceCache.invalidate();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }
}
