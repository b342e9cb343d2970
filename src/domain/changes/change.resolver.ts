/** `graphChanged`: live notice of writes and imports, over WebSocket (graphql-ws). */
import { Arg, Resolver, Root, Subscription } from "type-graphql";
import type { Context } from "../context.js";
import { changeStream } from "./change-stream.js";
import { GraphChange, GraphChangeFilter } from "./change.types.js";

interface SubscribeArgs {
  args: { filter?: GraphChangeFilter | null };
  context: Context;
}

@Resolver()
export class ChangeResolver {
  @Subscription(() => GraphChange, {
    description: "Tells the subscriber when writes or imports touch entities matching the filter (at most one event a second). Served over WebSocket at /subscriptions (graphql-ws).",
    subscribe: async ({ args, context }: SubscribeArgs) => {
      const filter = args.filter ?? {};
      const ids = filter.entities?.length ? (await context.repos.references.resolveAll(filter.entities)).map((e) => e.id) : undefined;
      if (!context.graphWatcher) throw new Error("subscriptions need the server's graph watcher");
      return changeStream(context.graphWatcher, {
        ids: ids ? new Set(ids) : undefined,
        kinds: filter.kinds?.length ? new Set(filter.kinds.map((k) => k.toLowerCase())) : undefined,
      });
    },
  })
  graphChanged(
    @Root() change: GraphChange,
    @Arg("filter", () => GraphChangeFilter, { nullable: true }) _filter: GraphChangeFilter | null,
  ): GraphChange {
    return change;
  }
}
