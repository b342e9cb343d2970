/**
 * Streams an XML file and yields each element of one name (e.g. <iati-activity>) as a small tree,
 * so that a file larger than memory is read one record at a time.
 */
import fs from "node:fs";
import { SaxesParser } from "saxes";

export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  text: string;
  /** Line where the element starts, for error messages. */
  line: number;
}

export class XmlSyntaxError extends Error {}

export async function* readElements(file: string, recordName: string, onBytes?: (bytesRead: number) => void): AsyncGenerator<XmlElement> {
  const parser = new SaxesParser({ position: true });
  const stack: XmlElement[] = [];
  const done: XmlElement[] = [];
  let failure: Error | null = null;

  parser.on("opentag", (tag) => {
    if (!stack.length && tag.name !== recordName) return;
    const attrs: Record<string, string> = {};
    for (const [key, value] of Object.entries(tag.attributes)) attrs[key] = typeof value === "string" ? value : value.value;
    const element: XmlElement = { name: tag.name, attrs, children: [], text: "", line: parser.line };
    stack.at(-1)?.children.push(element);
    stack.push(element);
  });
  parser.on("text", (text) => {
    const current = stack.at(-1);
    if (current) current.text += text;
  });
  parser.on("cdata", (text) => {
    const current = stack.at(-1);
    if (current) current.text += text;
  });
  parser.on("closetag", () => {
    const element = stack.pop();
    if (element && !stack.length) done.push(element);
  });
  parser.on("error", (err) => {
    failure ??= new XmlSyntaxError(`${file}: XML is malformed near line ${parser.line}: ${err.message.split("\n")[0]}`);
  });

  const stream = fs.createReadStream(file, { encoding: "utf8", highWaterMark: 256 * 1024 });
  for await (const chunk of stream) {
    parser.write(chunk as string);
    onBytes?.(stream.bytesRead);
    if (failure) throw failure;
    while (done.length) yield done.shift()!;
  }
  parser.close();
  if (failure) throw failure;
  while (done.length) yield done.shift()!;
}

/** Small helpers to read an element tree. */
export const xml = {
  child(el: XmlElement, name: string): XmlElement | undefined {
    return el.children.find((c) => c.name === name);
  },
  all(el: XmlElement, name: string): XmlElement[] {
    return el.children.filter((c) => c.name === name);
  },
  text(el: XmlElement | undefined): string {
    return (el?.text ?? "").trim();
  },
};
