/**
 * Deploy time is build time: BPMN XML in, executable processes out, with every problem found in one pass
 * (each naming the element, its line and what to do) and warnings that do not stop a deployment.
 */
import type { TemplateCatalog } from '../../catalog/catalog';
import { DeploymentError, type Problem } from '../errors';
import { CompileContext, describe } from './compile-context';
import { compileProcess } from './compile-process';
import type { ExecutableProcess } from './executable';
import { list } from './moddle';
import { parseDefinitions } from './parse';
import { DeployProblem, DeployWarning } from './problem-codes';

export interface CompileResult {
  /** The executable processes; when problems were found, only those that compiled without any. */
  processes: ExecutableProcess[];
  problems: Problem[];
  warnings: Problem[];
}

export interface CompileOptions {
  /**
   * Check templated tasks against the catalog (default true). A deployed definition compiled again after
   * a restart passes false: its templates were checked at deploy, and a template withdrawn since must not
   * stop the definition's running instances.
   */
  checkTemplates?: boolean;
}

export async function compileDefinitions(xml: string, catalog: TemplateCatalog, options: CompileOptions = {}): Promise<CompileResult> {
  const parsed = await parseDefinitions(xml);
  const context = new CompileContext(catalog, parsed, { checkTemplates: options.checkTemplates ?? true });
  context.problems.push(...parsed.problems);
  context.warnings.push(...parsed.warnings);
  if (!parsed.definitions || parsed.definitions.$type !== 'bpmn:Definitions') {
    return { processes: [], problems: context.problems, warnings: context.warnings };
  }

  const processes = list(parsed.definitions, 'rootElements').filter((element) => element.$type === 'bpmn:Process');
  const executable = processes.filter((process) => process.isExecutable === true);
  for (const process of processes) {
    if (process.isExecutable !== true) {
      context.warning(
        DeployWarning.PROCESS_NOT_EXECUTABLE,
        process,
        `${describe(process)} is not executable (isExecutable="true" is missing) and is not deployed`,
      );
    }
  }
  if (executable.length === 0) {
    context.problem(
      DeployProblem.NO_EXECUTABLE_PROCESS,
      undefined,
      'The definitions contain no executable process: mark the process as executable (isExecutable="true")',
    );
  }

  const compiled: ExecutableProcess[] = [];
  for (const process of executable) {
    const result = await compileProcess(process, context);
    if (result) compiled.push(result);
  }
  return { processes: compiled, problems: context.problems, warnings: context.warnings };
}

/** compileDefinitions that throws DeploymentError (every problem at once) unless the XML is deployable. */
export async function compileOrThrow(xml: string, catalog: TemplateCatalog, options?: CompileOptions): Promise<ExecutableProcess[]> {
  const result = await compileDefinitions(xml, catalog, options);
  if (result.problems.length > 0) throw new DeploymentError(result.problems);
  return result.processes;
}
