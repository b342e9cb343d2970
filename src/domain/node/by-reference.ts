/**
 * "Resolve a reference, then load the entity by id": what every single-entity query does
 * (`actor(reference:)`, `project(reference:)`, ...). Resolution throws a REFERENCE_NOT_FOUND or
 * AMBIGUOUS_REFERENCE error for a reference it cannot pin down, so a result is always one entity.
 */
import type { NodeType } from "../../model/model.js";
import type { ReferenceRepository, ResolvedEntity } from "../references/reference.repository.js";
import type { EntityRow } from "../shared/rows.js";
import type { EntityRepository } from "./entity.repository.js";

export async function resolveOne(references: ReferenceRepository, reference: string, types?: ReadonlySet<NodeType>): Promise<ResolvedEntity> {
  const [entity] = await references.resolveAll([reference], types);
  if (!entity) throw new Error(`resolving "${reference}" returned nothing`);
  return entity;
}

export async function entityByReference(
  repos: { references: ReferenceRepository; entities: EntityRepository }, reference: string, types?: ReadonlySet<NodeType>,
): Promise<EntityRow | null> {
  const { id } = await resolveOne(repos.references, reference, types);
  return repos.entities.byId.load(id);
}
