/**
 * The embedded default: a real Neo4j Community server that the project provisions and runs itself.
 *
 * Jars come from Maven Central through the machine's Maven (once, into a git-ignored cache); the
 * server runs with Java 17 on 127.0.0.1 only, with its data, logs and configuration under
 * COOPGRAPH_DATA_DIR. A small state file records the running server so that other commands
 * (`npm run seed`, `npm run db:status`) reuse it instead of starting a second one.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import neo4j from "neo4j-driver";
import { PROJECT_ROOT, type ManagedNeo4jConfig } from "../config/config.js";

export class ManagedNeo4jError extends Error {}

export interface ManagedNeo4jState {
  pid: number;
  port: number;
  version: string;
  home: string;
  startedAt: string;
  /** "attached": stops with the process that started it; "detached": runs until `npm run db:stop`. */
  mode: "attached" | "detached";
  /** Set just before a deliberate stop, so that a supervisor does not restart the server. */
  stopping?: boolean;
}

export interface RunningNeo4j {
  uri: string;
  state: ManagedNeo4jState;
  /** True when this process started the server (and so must stop it). */
  ownedByUs: boolean;
  stop(): Promise<void>;
}

const ENTRY_CLASS = "org.neo4j.server.CommunityEntryPoint";

export function cacheDir(): string {
  return path.resolve(PROJECT_ROOT, process.env.COOPGRAPH_CACHE_DIR || ".coopgraph/cache");
}

export function homeDir(cfg: ManagedNeo4jConfig): string {
  return path.join(cfg.dataDir, "neo4j");
}

function stateFile(cfg: ManagedNeo4jConfig): string {
  return path.join(homeDir(cfg), "run", "coopgraph-neo4j.json");
}

/** Resolves the server's jars with Maven on first use; later calls return the cached folder. */
export function ensureJars(version: string, log: (line: string) => void = () => {}): string {
  const dir = path.join(cacheDir(), `neo4j-${version}`);
  const lib = path.join(dir, "lib");
  const marker = path.join(dir, ".complete");
  if (fs.existsSync(marker)) return lib;

  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, "pom.xml"), runtimePom(version));
  log(`Resolving Neo4j ${version} jars from Maven Central into ${lib} (first run only)...`);
  const mvn = spawnSync(
    "mvn",
    ["-q", "-B", "-f", path.join(dir, "pom.xml"), "dependency:copy-dependencies",
      "-DincludeScope=runtime", `-DoutputDirectory=${lib}`],
    { encoding: "utf8" },
  );
  if (mvn.error) {
    throw new ManagedNeo4jError(
      `cannot run Maven (${mvn.error.message}): install Maven and Java 17, or set NEO4J_URI to an existing Neo4j`,
    );
  }
  if (mvn.status !== 0) {
    const tail = `${mvn.stdout}\n${mvn.stderr}`.trim().split("\n").slice(-15).join("\n");
    throw new ManagedNeo4jError(`Maven could not resolve org.neo4j:neo4j:${version}:\n${tail}`);
  }
  fs.writeFileSync(marker, new Date().toISOString());
  return lib;
}

function runtimePom(version: string): string {
  return `<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>coopgraph</groupId>
  <artifactId>neo4j-runtime</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency><groupId>org.neo4j</groupId><artifactId>neo4j</artifactId><version>${version}</version></dependency>
  </dependencies>
</project>
`;
}

function writeNeo4jConf(cfg: ManagedNeo4jConfig, home: string): void {
  for (const sub of ["conf", "data", "logs", "run", "plugins", "import"]) {
    fs.mkdirSync(path.join(home, sub), { recursive: true });
  }
  const lines = [
    `server.directories.data=${home}/data`,
    `server.directories.logs=${home}/logs`,
    `server.directories.run=${home}/run`,
    `server.directories.plugins=${home}/plugins`,
    `server.directories.import=${home}/import`,
    `server.directories.transaction.logs.root=${home}/data/transactions`,
    "server.default_listen_address=127.0.0.1",
    `server.bolt.listen_address=127.0.0.1:${cfg.boltPort}`,
    `server.bolt.advertised_address=127.0.0.1:${cfg.boltPort}`,
    "server.http.enabled=false",
    "server.https.enabled=false",
    // Routing would bind a second port (7688) and make parallel instances collide.
    "dbms.routing.enabled=false",
    // Loopback only, so no password: the API is the only way in from outside.
    "dbms.security.auth_enabled=false",
    "dbms.usage_report.enabled=false",
    `server.memory.pagecache.size=${cfg.pageCache}`,
    `db.transaction.timeout=${cfg.transactionTimeout}`,
    "db.logs.query.enabled=OFF",
    // A clean stop otherwise waits twice 5 s for Bolt's connections and thread pools after the
    // databases have closed (even with no client left): 10 s per stop, which the offline import
    // and the benchmark's wipes pay. In-flight transactions still get db.shutdown_transaction_end_timeout.
    "internal.server.bolt.connection_shutdown_wait_time=1s",
    "internal.server.bolt.thread_pool_shutdown_wait_time=1s",
    "internal.dbms.bolt.netty_server_shutdown_quiet_period=0",
    "internal.dbms.bolt.netty_server_shutdown_timeout=2",
  ];
  fs.writeFileSync(path.join(home, "conf", "neo4j.conf"), lines.join("\n") + "\n");
}

function javaArgs(cfg: ManagedNeo4jConfig, home: string, lib: string): string[] {
  return [
    `-Xms${cfg.heap}`, `-Xmx${cfg.heap}`,
    "-XX:+UseG1GC", "-XX:-OmitStackTraceInFastThrow",
    "-XX:+UnlockExperimentalVMOptions", "-XX:+TrustFinalNonStaticFields", "-XX:+DisableExplicitGC",
    "-Djdk.nio.maxCachedBufferSize=1024", "-Dio.netty.tryReflectionSetAccessible=true",
    // Required on Java 17, or startup fails with "LinkageError ... does not open java.nio".
    "--add-opens=java.base/java.nio=ALL-UNNAMED", "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED", "--enable-native-access=ALL-UNNAMED",
    "-Dlog4j2.disable.jmx=true", "-Dfile.encoding=UTF-8",
    "-cp", `${home}/plugins/*:${lib}/*`,
    ENTRY_CLASS, `--home-dir=${home}`, `--config-dir=${home}/conf`, "--console-mode",
  ];
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function isOurJava(pid: number, home: string): boolean {
  try {
    const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8");
    return cmdline.includes(ENTRY_CLASS) && cmdline.includes(`--home-dir=${home}`);
  } catch {
    return isAlive(pid);
  }
}

export function hasStateFile(cfg: ManagedNeo4jConfig): boolean {
  return fs.existsSync(stateFile(cfg));
}

/** Whether a deliberate stop of the managed server is under way (see Neo4jSupervisor). */
export function isStopping(cfg: ManagedNeo4jConfig): boolean {
  try {
    return (JSON.parse(fs.readFileSync(stateFile(cfg), "utf8")) as ManagedNeo4jState).stopping === true;
  } catch {
    return false;
  }
}

function markStopping(cfg: ManagedNeo4jConfig, state: ManagedNeo4jState): void {
  fs.writeFileSync(stateFile(cfg), JSON.stringify({ ...state, stopping: true }, null, 2));
}

/** The state of the managed server if one is running for this data dir, else null. */
export function readState(cfg: ManagedNeo4jConfig): ManagedNeo4jState | null {
  const file = stateFile(cfg);
  if (!fs.existsSync(file)) return null;
  const state = JSON.parse(fs.readFileSync(file, "utf8")) as ManagedNeo4jState;
  if (!isOurJava(state.pid, state.home)) {
    fs.rmSync(file, { force: true });
    return null;
  }
  return state;
}

function portAnswers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: "127.0.0.1", port });
    socket.once("connect", () => { socket.destroy(); resolve(true); });
    socket.once("error", () => resolve(false));
    socket.setTimeout(1000, () => { socket.destroy(); resolve(false); });
  });
}

export function logTail(home: string, lines = 25): string {
  const parts: string[] = [];
  for (const name of ["console.log", "debug.log"]) {
    const file = path.join(home, "logs", name);
    if (!fs.existsSync(file)) continue;
    const text = fs.readFileSync(file, "utf8").trimEnd().split("\n").slice(-lines).join("\n");
    if (text) parts.push(`--- ${file} (last lines) ---\n${text}`);
  }
  return parts.join("\n") || "(Neo4j wrote no log)";
}

async function waitForBolt(child: ChildProcess, cfg: ManagedNeo4jConfig, home: string, timeoutMs: number): Promise<void> {
  const uri = `bolt://127.0.0.1:${cfg.boltPort}`;
  const deadline = Date.now() + timeoutMs;
  let exited: number | null = null;
  child.once("exit", (code, signal) => { exited = code ?? (signal ? 128 : 1); });
  while (Date.now() < deadline) {
    if (exited !== null) {
      throw new ManagedNeo4jError(`Neo4j exited during startup (code ${exited}).\n${logTail(home)}`);
    }
    if (await portAnswers(cfg.boltPort)) {
      const driver = neo4j.driver(uri, undefined, { logging: undefined });
      try {
        await driver.verifyConnectivity();
        await driver.executeQuery("RETURN 1");
        // After a crash, indexes are rebuilt in the background: queries that need them would
        // hang until their timeout, so the server counts as up only once they are online.
        await driver.executeQuery("CALL db.awaitIndexes(300)");
        return;
      } catch {
        // Bolt is up before the databases are: keep polling.
      } finally {
        await driver.close();
      }
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new ManagedNeo4jError(`Neo4j did not answer on ${uri} within ${timeoutMs / 1000}s.\n${logTail(home)}`);
}

/**
 * Starts the managed server, or reuses the one already running for this data dir.
 * In "attached" mode a watchdog stops Java when this process dies, even by SIGKILL.
 */
export async function startManagedNeo4j(
  cfg: ManagedNeo4jConfig,
  opts: { mode?: "attached" | "detached"; log?: (line: string) => void; timeoutMs?: number } = {},
): Promise<RunningNeo4j> {
  const mode = opts.mode ?? "attached";
  const log = opts.log ?? (() => {});
  const home = homeDir(cfg);
  const uri = `bolt://127.0.0.1:${cfg.boltPort}`;

  const existing = readState(cfg);
  if (existing) {
    if (existing.port !== cfg.boltPort) {
      throw new ManagedNeo4jError(
        `the managed Neo4j for ${cfg.dataDir} is already running on port ${existing.port}, not ${cfg.boltPort}; ` +
          "stop it with `npm run db:stop` or use the same NEO4J_BOLT_PORT",
      );
    }
    log(`Reusing the managed Neo4j already running (pid ${existing.pid}) on ${uri}`);
    return { uri, state: existing, ownedByUs: false, stop: async () => {} };
  }
  if (await portAnswers(cfg.boltPort)) {
    throw new ManagedNeo4jError(
      `port ${cfg.boltPort} on 127.0.0.1 is already taken by another process; ` +
        "set NEO4J_BOLT_PORT to a free port, or NEO4J_URI to use that server",
    );
  }
  checkJava();
  const lib = ensureJars(cfg.version, log);
  writeNeo4jConf(cfg, home);

  log(`Starting Neo4j ${cfg.version} on ${uri} (data in ${home})...`);
  const consoleLog = fs.openSync(path.join(home, "logs", "console.log"), "w");
  const child = spawn("java", javaArgs(cfg, home, lib), {
    cwd: home,
    detached: true,
    stdio: ["ignore", consoleLog, consoleLog],
  });
  fs.closeSync(consoleLog);
  if (child.pid === undefined) throw new ManagedNeo4jError("could not spawn java");
  const pid = child.pid;
  if (mode === "attached") startWatchdog(process.pid, pid);
  else child.unref();

  const started = Date.now();
  try {
    await waitForBolt(child, cfg, home, opts.timeoutMs ?? 120_000);
  } catch (err) {
    await stopPid(pid);
    throw err;
  }
  const state: ManagedNeo4jState = {
    pid, port: cfg.boltPort, version: cfg.version, home, startedAt: new Date().toISOString(), mode,
  };
  fs.writeFileSync(stateFile(cfg), JSON.stringify(state, null, 2));
  log(`Neo4j is up on ${uri} after ${((Date.now() - started) / 1000).toFixed(1)}s (pid ${pid})`);
  return {
    uri,
    state,
    ownedByUs: true,
    stop: async () => {
      markStopping(cfg, state);
      await stopPid(pid);
      fs.rmSync(stateFile(cfg), { force: true });
    },
  };
}

function checkJava(): void {
  const java = spawnSync("java", ["-version"], { encoding: "utf8" });
  if (java.error) {
    throw new ManagedNeo4jError(
      `cannot run java (${java.error.message}): install Java 17, or set NEO4J_URI to an existing Neo4j`,
    );
  }
  const match = /version "(\d+)/.exec(java.stderr);
  if (match && Number(match[1]) < 17) {
    throw new ManagedNeo4jError(`Neo4j 5.26 needs Java 17 or newer; found Java ${match[1]}`);
  }
}

/** A shell loop that sends SIGTERM to Java as soon as the parent process is gone. */
function startWatchdog(parentPid: number, javaPid: number): void {
  const script =
    `while kill -0 ${parentPid} 2>/dev/null && kill -0 ${javaPid} 2>/dev/null; do sleep 0.5; done; ` +
    `kill -TERM ${javaPid} 2>/dev/null; ` +
    `for i in $(seq 1 120); do kill -0 ${javaPid} 2>/dev/null || exit 0; sleep 0.5; done; kill -KILL ${javaPid} 2>/dev/null`;
  const watchdog = spawn("/bin/sh", ["-c", script], { detached: true, stdio: "ignore" });
  watchdog.unref();
}

/** SIGTERM (clean shutdown), then SIGKILL if Java has not exited after the grace period. */
export async function stopPid(pid: number, graceMs = 60_000): Promise<void> {
  if (!isAlive(pid)) return;
  try { process.kill(pid, "SIGTERM"); } catch { return; }
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  try { process.kill(pid, "SIGKILL"); } catch { /* already gone */ }
}

/** The store of the user database (`neo4j`): its store files and its transaction logs. */
export function databaseStorePaths(cfg: ManagedNeo4jConfig, database = "neo4j"): string[] {
  const home = homeDir(cfg);
  return [path.join(home, "data", "databases", database), path.join(home, "data", "transactions", database)];
}

/**
 * Empties the user database by deleting its store files: only while the managed server is stopped
 * (the next start finds the database known to the system database and creates empty store files).
 */
export function deleteDatabaseStore(cfg: ManagedNeo4jConfig, database = "neo4j"): void {
  if (readState(cfg)) throw new ManagedNeo4jError(`stop the managed Neo4j of ${cfg.dataDir} before deleting its store`);
  for (const dir of databaseStorePaths(cfg, database)) fs.rmSync(dir, { recursive: true, force: true });
}

export interface OfflineImport {
  /** Node files: labels (joined with ":") and a CSV file with its own header. */
  nodes: { labels: string[]; file: string }[];
  relationships: { type: string; file: string }[];
  /** Delimiter inside array values (a character that no value holds). */
  arrayDelimiter: string;
  /** True when some value holds a line break (slower parsing). */
  multiline: boolean;
  /** Node ids in the files are integers (faster than strings). */
  idType: "string" | "integer";
}

/**
 * The importer's heap in MB: a quarter of the machine's memory, between 512 MB and 4 GB. Most of
 * its memory is off-heap (--max-off-heap-memory, by default 90 % of what is free); 4 GB of heap is
 * ample at scale L, and a fixed 4 GB would leave a small machine nothing for the rest.
 */
export function importerHeapMb(totalMemoryBytes: number): number {
  return Math.max(512, Math.min(4096, Math.floor(totalMemoryBytes / 4 / 1024 / 1024)));
}

/**
 * Runs Neo4j's offline importer (`neo4j-admin database import full`) on the stopped managed
 * instance, from the same jars as the server: `AdminTool` reads NEO4J_HOME and NEO4J_CONF like the
 * tarball's script. It replaces the database's store (`--overwrite-destination`). The command's
 * own class, not the `neo4j-admin` launcher (`Neo4jAdminCommand`), which starts a second JVM for
 * the import (with the default heap, a quarter of the machine's memory, whatever this one has):
 * one JVM start less, 2.5-4 s at M (measured on the same files: 9.8 s outside the importer's own
 * time through the launcher, 5.6-7.3 s without it).
 */
export async function runOfflineImport(cfg: ManagedNeo4jConfig, spec: OfflineImport, log: (line: string) => void = () => {}, database = "neo4j"): Promise<void> {
  if (readState(cfg)) throw new ManagedNeo4jError(`stop the managed Neo4j of ${cfg.dataDir} before an offline import`);
  checkJava();
  const lib = ensureJars(cfg.version, log);
  const home = homeDir(cfg);
  writeNeo4jConf(cfg, home);
  const reportFile = path.join(home, "logs", "import.report");
  // A container's limit (cgroups), when it has one, is the machine's memory for this purpose.
  const heap = importerHeapMb(Math.min(os.totalmem(), process.constrainedMemory?.() || Infinity));
  const args = [
    `-Xms${Math.min(1024, heap)}m`, `-Xmx${heap}m`, "-XX:+UseG1GC",
    "--add-opens=java.base/java.nio=ALL-UNNAMED", "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED", "--enable-native-access=ALL-UNNAMED",
    "-Dlog4j2.disable.jmx=true", "-Dfile.encoding=UTF-8",
    "-cp", `${lib}/*`, ADMIN_CLASS,
    // The database first: the file options take several values and would swallow it.
    "database", "import", "full", database,
    "--overwrite-destination=true", `--id-type=${spec.idType}`, `--array-delimiter=${spec.arrayDelimiter}`,
    `--multiline-fields=${spec.multiline}`, "--high-parallel-io=on", `--report-file=${reportFile}`,
    ...spec.nodes.map((n) => (n.labels.length ? `--nodes=${n.labels.join(":")}=${n.file}` : `--nodes=${n.file}`)),
    ...spec.relationships.map((r) => `--relationships=${r.type}=${r.file}`),
  ];
  const output: string[] = [];
  const code = await new Promise<number>((resolve, reject) => {
    const child = spawn("java", args, { cwd: home, env: { ...process.env, NEO4J_HOME: home, NEO4J_CONF: path.join(home, "conf") }, stdio: ["ignore", "pipe", "pipe"] });
    const keep = (chunk: Buffer) => {
      for (const line of chunk.toString().split("\n")) if (line.trim() && !/^[-.]*\.{10}/.test(line)) output.push(line);
    };
    child.stdout!.on("data", keep);
    child.stderr!.on("data", keep);
    child.once("error", reject);
    child.once("exit", (c) => resolve(c ?? 1));
  });
  const summary = output.filter((l) => /IMPORT DONE|Imported:|^\s+\d+ (nodes|relationships|properties)|COMPLETED in/.test(l));
  for (const line of summary) log(`  importer: ${line.trim()}`);
  if (code !== 0) {
    throw new ManagedNeo4jError(`neo4j-admin database import failed (exit ${code}):\n${output.slice(-30).join("\n")}\n(report: ${reportFile})`);
  }
}

/** The admin commands themselves (what the `neo4j-admin` launcher, `org.neo4j.server.startup.Neo4jAdminCommand`, starts in a JVM of its own). */
const ADMIN_CLASS = "org.neo4j.cli.AdminTool";

export async function stopManagedNeo4j(cfg: ManagedNeo4jConfig): Promise<ManagedNeo4jState | null> {
  const state = readState(cfg);
  if (!state) return null;
  markStopping(cfg, state);
  await stopPid(state.pid);
  fs.rmSync(stateFile(cfg), { force: true });
  return state;
}
