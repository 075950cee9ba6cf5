/**
 * The Camunda 8 (Zeebe) element-template format, as far as Baton reads it. Templates are validated against
 * the official JSON Schema before they are used, so these types describe valid documents.
 */

export type TemplateBinding =
  | { type: 'zeebe:taskDefinition'; property: 'type' | 'retries' }
  | { type: 'zeebe:taskDefinition:type' }
  | { type: 'zeebe:input'; name: string }
  | { type: 'zeebe:output'; source: string }
  | { type: 'zeebe:taskHeader'; key: string }
  | { type: 'property'; name: string }
  | { type: string; [key: string]: unknown };

export interface TemplateProperty {
  id?: string;
  label?: string;
  type?: 'String' | 'Text' | 'Hidden' | 'Dropdown' | 'Boolean' | 'Number' | string;
  value?: string | number | boolean;
  optional?: boolean;
  feel?: string;
  group?: string;
  binding: TemplateBinding;
  constraints?: { notEmpty?: boolean; pattern?: unknown; minLength?: number; maxLength?: number };
  choices?: { name: string; value: string }[];
  description?: string;
}

export interface ElementTemplate {
  $schema?: string;
  id: string;
  name: string;
  version?: number;
  description?: string;
  category?: { id: string; name: string };
  keywords?: string[];
  appliesTo: string[];
  elementType?: { value: string };
  groups?: { id: string; label: string }[];
  properties: TemplateProperty[];
  /** Baton's catalog metadata (allowed by the schema as an unknown key). */
  metadata?: Record<string, unknown>;
  [key: string]: unknown;
}
