/** A JSONata expression compiled once (at deploy) and evaluated under the engine's guard. */
export interface CompiledExpression {
  /** The expression's text, without the leading `=`. */
  readonly text: string;
  evaluate(input: unknown, bindings?: Record<string, unknown>): Promise<unknown>;
}

/** A value that is either a literal (Zeebe: a source without `=`) or an expression. */
export type MappingSource =
  | { readonly kind: 'literal'; readonly value: string }
  | { readonly kind: 'expression'; readonly expression: CompiledExpression };

/** One `zeebe:input` or `zeebe:output`: evaluate `source`, write it to the (dotted) `target`. */
export interface VariableMapping {
  readonly source: MappingSource;
  readonly target: string;
}
