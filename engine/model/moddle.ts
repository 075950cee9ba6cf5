/**
 * bpmn-moddle (9.x, CommonJS build) with the Zeebe descriptor, and the few shapes of its objects Baton
 * reads. bpmn-moddle ships no TypeScript types, so they are spelled here, as loosely as moddle is.
 */
import path from 'node:path';
import zeebeDescriptor from 'zeebe-bpmn-moddle/resources/zeebe.json';

/** Any object bpmn-moddle builds: `$type` is its qualified type (`bpmn:ServiceTask`, `zeebe:Input`). */
export interface ModdleElement {
  readonly $type: string;
  readonly id?: string;
  readonly name?: string;
  $instanceOf(type: string): boolean;
  readonly [property: string]: unknown;
}

/** A warning bpmn-moddle reports while reading; a fatal error carries the earlier ones as `warnings`. */
export interface ModdleWarning {
  readonly message: string;
  readonly element?: ModdleElement;
  readonly property?: string;
  readonly value?: string;
  readonly error?: unknown;
}

export interface ModdleParseResult {
  readonly rootElement: ModdleElement;
  readonly elementsById: Record<string, ModdleElement>;
  readonly references: unknown[];
  readonly warnings: ModdleWarning[];
}

interface BpmnModdleInstance {
  fromXML(xml: string): Promise<ModdleParseResult>;
}

type BpmnModdleConstructor = new (packages?: Record<string, unknown>, options?: Record<string, unknown>) => BpmnModdleInstance;

/*
 * bpmn-moddle's CommonJS entry (dist/index.cjs) requires moddle-xml, which requires the hoisted `moddle`
 * 8.x: an ES module only. Node 20.19+ loads it through require(esm), but jest's module runtime does not
 * ("Must use import to load ES Module"). The package's own UMD bundle carries moddle and moddle-xml inside
 * and loads as CommonJS everywhere, so Baton reads that file (same version, same build).
 */
const bundle = path.join(path.dirname(require.resolve('bpmn-moddle/package.json')), 'dist', 'bpmn-moddle.umd.prod.js');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const BpmnModdle = require(bundle) as BpmnModdleConstructor;

/** A fresh reader (moddle instances keep no state between reads, but are cheap to make). */
export function createModdle(): BpmnModdleInstance {
  return new BpmnModdle({ zeebe: zeebeDescriptor });
}

/** A property that holds a list of moddle elements (absent lists read as empty). */
export function list(element: ModdleElement | undefined, property: string): ModdleElement[] {
  const value = element?.[property];
  return Array.isArray(value) ? (value as ModdleElement[]) : [];
}

/** A property that holds one moddle element (a reference or a child). */
export function child(element: ModdleElement | undefined, property: string): ModdleElement | undefined {
  const value = element?.[property];
  return typeof value === 'object' && value !== null ? (value as ModdleElement) : undefined;
}

/** A string attribute; empty and absent read as undefined. */
export function attr(element: ModdleElement | undefined, property: string): string | undefined {
  const value = element?.[property];
  if (value === undefined || value === null) return undefined;
  const text = String(value);
  return text === '' ? undefined : text;
}

/** The first extension element of a type (`zeebe:TaskDefinition`) under `bpmn:extensionElements`. */
export function extension(element: ModdleElement, type: string): ModdleElement | undefined {
  return list(child(element, 'extensionElements'), 'values').find((value) => value.$type === type);
}
