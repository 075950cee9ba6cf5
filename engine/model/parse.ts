/**
 * Reads BPMN XML with bpmn-moddle and the Zeebe descriptor. Turns what moddle reports (a fatal error, or
 * warnings in lax mode) into problems with line and column, and finds the line of every element id, which
 * moddle does not keep.
 *
 * Hostile XML: a DOCTYPE (or ENTITY) declaration is a deploy problem before the XML reaches the parser.
 * saxen, under bpmn-moddle, reads no DTD and expands no entity (`&xxe;` stays literal text, nothing is read
 * from disk or network), but refusing the declaration outright keeps it that way whatever the parser does
 * in a later version, and says plainly why instead of a puzzling "non-whitespace outside of root node".
 */
import type { Problem } from '../errors';
import { createModdle, type ModdleElement, type ModdleParseResult, type ModdleWarning } from './moddle';
import { DeployProblem, DeployWarning } from './problem-codes';

export interface ParsedDefinitions {
  /** The bpmn:Definitions element; undefined when the XML could not be read. */
  readonly definitions?: ModdleElement;
  readonly elementsById: Readonly<Record<string, ModdleElement>>;
  readonly problems: Problem[];
  readonly warnings: Problem[];
  /** 1-based line of the tag that declares `id`, if the XML declares it. */
  lineOf(id: string | undefined): number | undefined;
}

/** moddle-xml writes positions into its messages: "...\n\tline: 3\n\tcolumn: 21\n\tnested error: ...". */
const POSITION = /\n\s*line: (\d+)\n\s*column: (\d+)/;
const NESTED = /\n\s*nested error: (.*)$/s;
const UNPARSABLE = /^unparsable content (<[^>\s]+)?/;

export async function parseDefinitions(xml: string): Promise<ParsedDefinitions> {
  const lines = lineIndex(xml);
  const ids = idLines(xml, lines);
  const lineOf = (id: string | undefined) => (id === undefined ? undefined : ids.get(id));

  const declaration = findDeclaration(xml);
  if (declaration) {
    const line = lineAt(lines, declaration.offset);
    const column = declaration.offset - lines[line - 1] + 1;
    const problems: Problem[] = [{
      code: DeployProblem.XML_DOCTYPE,
      line,
      column,
      message: `The XML has a <!${declaration.kind}> declaration at line ${line}, column ${column}: BPMN needs none, and Baton refuses DTDs and entity declarations (they can read files or expand without end). Remove it`,
    }];
    return { elementsById: {}, problems, warnings: [], lineOf };
  }

  let result: ModdleParseResult;
  try {
    result = await createModdle().fromXML(xml);
  } catch (error) {
    const problems = [fatalProblem(error)];
    return { elementsById: {}, problems, warnings: [], lineOf };
  }

  const problems: Problem[] = [];
  const warnings: Problem[] = [];
  for (const warning of result.warnings) {
    const { problem, isError } = warningProblem(warning, lineOf);
    (isError ? problems : warnings).push(problem);
  }
  if (result.rootElement?.$type !== 'bpmn:Definitions') {
    problems.push({ code: DeployProblem.XML_INVALID, message: 'The document is not BPMN: its root element must be bpmn:definitions' });
  }
  return { definitions: result.rootElement, elementsById: result.elementsById, problems, warnings, lineOf };
}

function fatalProblem(error: unknown): Problem {
  const text = error instanceof Error ? error.message : String(error);
  const position = POSITION.exec(text);
  const nested = NESTED.exec(text)?.[1]?.trim();
  const carried = (error as { warnings?: ModdleWarning[] } | undefined)?.warnings ?? [];
  const detail = nested ?? carried.map((warning) => NESTED.exec(warning.message)?.[1]?.trim() ?? warning.message)[0] ?? text;
  const carriedPosition = carried.map((warning) => POSITION.exec(warning.message)).find((match) => match !== null);
  const where = position ?? carriedPosition ?? undefined;
  const line = where ? Number(where[1]) + 1 : undefined;
  const column = where ? Number(where[2]) + 1 : undefined;
  const at = line !== undefined ? ` at line ${line}, column ${column}` : '';
  return {
    code: DeployProblem.XML_NOT_WELL_FORMED,
    message: `The XML cannot be read${at}: ${firstLine(detail)}. Fix the XML (or export the diagram again from the modeler)`,
    line,
    column,
  };
}

function warningProblem(
  warning: ModdleWarning,
  lineOf: (id: string | undefined) => number | undefined,
): { problem: Problem; isError: boolean } {
  const text = warning.message;
  if (text.startsWith('unresolved reference')) {
    const element = warning.element;
    const elementId = element?.id;
    const describe = element ? `${element.$type}${elementId ? ` '${elementId}'` : ''}` : 'An element';
    return {
      isError: true,
      problem: {
        code: DeployProblem.XML_INVALID,
        elementId,
        line: lineOf(elementId),
        message: `${describe} refers in '${warning.property ?? 'a reference'}' to '${warning.value}', which does not exist: fix the reference or add the element`,
      },
    };
  }
  const position = POSITION.exec(text);
  const line = position ? Number(position[1]) + 1 : undefined;
  const column = position ? Number(position[2]) + 1 : undefined;
  const tag = UNPARSABLE.exec(text)?.[1]?.slice(1);
  const nested = NESTED.exec(text)?.[1]?.trim() ?? firstLine(text);
  const at = line !== undefined ? ` at line ${line}, column ${column}` : '';
  // An unknown element in the BPMN namespace is broken BPMN; unknown extensions (other namespaces) are ignored.
  const isError = tag === undefined || tag.startsWith('bpmn:');
  return {
    isError,
    problem: {
      code: isError ? DeployProblem.XML_INVALID : DeployWarning.XML_IGNORED,
      line,
      column,
      message: isError
        ? `The XML is not valid BPMN${at}: ${nested}. Remove or correct ${tag ? `<${tag}>` : 'the content'}`
        : `<${tag}>${at} is not known to Baton and is ignored (${nested})`,
    },
  };
}

/** The first `<!DOCTYPE` or `<!ENTITY` outside comments and CDATA sections, if any. */
function findDeclaration(xml: string): { kind: 'DOCTYPE' | 'ENTITY'; offset: number } | undefined {
  const pattern = /<!--[\s\S]*?(?:-->|$)|<!\[CDATA\[[\s\S]*?(?:\]\]>|$)|<!(DOCTYPE|ENTITY)/gi;
  for (let match = pattern.exec(xml); match; match = pattern.exec(xml)) {
    if (match[1]) return { kind: match[1].toUpperCase() as 'DOCTYPE' | 'ENTITY', offset: match.index };
  }
  return undefined;
}

function firstLine(text: string): string {
  return text.split('\n')[0].trim();
}

/** Offsets at which each line starts. */
function lineIndex(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
  return starts;
}

function lineAt(starts: number[], offset: number): number {
  let low = 0;
  let high = starts.length - 1;
  while (low < high) {
    const middle = (low + high + 1) >> 1;
    if (starts[middle] <= offset) low = middle;
    else high = middle - 1;
  }
  return low + 1;
}

/** The line of the tag holding each `id="..."` attribute (first declaration wins). */
function idLines(xml: string, starts: number[]): Map<string, number> {
  const ids = new Map<string, number>();
  const attribute = /\sid\s*=\s*(?:"([^"]*)"|'([^']*)')/g;
  for (let match = attribute.exec(xml); match; match = attribute.exec(xml)) {
    const id = match[1] ?? match[2];
    if (ids.has(id)) continue;
    const tagStart = xml.lastIndexOf('<', match.index);
    ids.set(id, lineAt(starts, tagStart >= 0 ? tagStart : match.index));
  }
  return ids;
}
