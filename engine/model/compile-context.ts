/**
 * What every element compiler gets: the catalog, the parsed document, and one place to report problems and
 * warnings (with element id and line) and to compile expressions, mapping sources and durations, so that
 * every failure is collected and compiling goes on.
 */
import type { TemplateCatalog } from '../../catalog/catalog';
import { ExpressionError, type Problem } from '../errors';
import { parseDuration } from '../mapping/duration';
import type { CompiledExpression, MappingSource } from '../mapping/expression';
import { compileExpression } from '../mapping/jsonata-guard';
import type { ExecutableElement } from './executable';
import type { ModdleElement } from './moddle';
import type { ParsedDefinitions } from './parse';
import { DeployProblem, type DeployWarning } from './problem-codes';

/** The fields every executable element shares (ElementBase in executable.ts). */
export type ElementBaseFields = Pick<ExecutableElement, 'id' | 'name' | 'incoming' | 'outgoing' | 'boundaryEventIds' | 'line'>;

/** `bpmn:ServiceTask 'call'`: how messages name an element. */
export function describe(element: ModdleElement | undefined): string {
  if (!element) return 'An element';
  return element.id ? `${element.$type} '${element.id}'` : element.$type;
}

export class CompileContext {
  readonly problems: Problem[] = [];
  readonly warnings: Problem[] = [];

  constructor(
    readonly catalog: TemplateCatalog,
    readonly parsed: ParsedDefinitions,
    readonly options: { readonly checkTemplates: boolean } = { checkTemplates: true },
  ) {}

  problem(code: DeployProblem, element: ModdleElement | undefined, message: string): void {
    this.problems.push(this.locate(code, element, message));
  }

  warning(code: DeployWarning, element: ModdleElement | undefined, message: string): void {
    this.warnings.push(this.locate(code, element, message));
  }

  /**
   * Compiles a JSONata expression (the text without its leading `=`); on failure reports a problem that
   * names the element, what the expression is for and the position in the expression.
   */
  expression(text: string, element: ModdleElement, what: string): CompiledExpression | undefined {
    try {
      return compileExpression(text);
    } catch (error) {
      const detail = error instanceof ExpressionError ? error.message : String(error);
      this.problem(
        DeployProblem.EXPRESSION_INVALID,
        element,
        `${describe(element)}: ${what} is not valid JSONata (${detail}). Expression: ${quote(text)}. Fix the expression`,
      );
      return undefined;
    }
  }

  /** A Zeebe mapping value: `=...` an expression, anything else a literal string. */
  source(value: string, element: ModdleElement, what: string): MappingSource | undefined {
    if (!value.startsWith('=')) return { kind: 'literal', value };
    const expression = this.expression(value.slice(1), element, what);
    return expression ? { kind: 'expression', expression } : undefined;
  }

  /** An ISO 8601 duration in milliseconds; a problem when it does not parse. */
  duration(value: string, element: ModdleElement, what: string): number | undefined {
    try {
      return parseDuration(value);
    } catch (error) {
      this.problem(
        DeployProblem.DURATION_INVALID,
        element,
        `${describe(element)}: ${what} is invalid: ${(error as Error).message}. Fix the value`,
      );
      return undefined;
    }
  }

  private locate(code: string, element: ModdleElement | undefined, message: string): Problem {
    const elementId = element?.id;
    const line = this.parsed.lineOf(elementId);
    const problem: Problem = { code, message };
    if (elementId !== undefined) problem.elementId = elementId;
    if (line !== undefined) problem.line = line;
    return problem;
  }
}

function quote(text: string): string {
  const short = text.length > 120 ? `${text.slice(0, 117)}...` : text;
  return `'${short}'`;
}
