/**
 * SCION, a W3C SCXML interpreter (CommonJS), for the tests that run the generated machine.scxml:
 * the document of a SOP, and a started interpreter of it whose data model sees the test's Date.
 */
import { createRequire } from 'node:module';
import { emitMachineArtifacts } from '../../src/compile/machine/index.js';
import type { ProcedureSop } from '../../src/model/types.js';

const require = createRequire(import.meta.url);
const scxml = require('@scion-scxml/scxml') as {
  documentStringToModel(
    file: string,
    doc: string,
    cb: (
      err: unknown,
      model: { prepare(cb: (err: unknown, fn: unknown) => void, ctx: object): void },
    ) => void,
  ): void;
  core: { Statechart: new (fn: unknown, options?: object) => Interpreter };
};

export interface Interpreter {
  start(): void;
  gen(e: { name: string; data?: unknown }): void;
  getConfiguration(): string[];
  getSnapshot(): [
    string[],
    unknown,
    boolean,
    { ctx: Record<string, unknown> & { _sop: Record<string, unknown> } },
    unknown,
  ];
  isFinal(): boolean;
}

export function scxmlOf(sop: ProcedureSop): string {
  const a = emitMachineArtifacts(sop).find((x) => x.path === 'machine.scxml');
  if (!a || typeof a.data !== 'string') throw new Error('no machine.scxml');
  return a.data;
}

/** An event SCION hands to `customSend` (the host's I/O processor) for every `<send>`. */
export interface SentEvent {
  name: string;
  target: string | null;
  type?: string;
  data: Record<string, unknown>;
}

/** Loads an SCXML document into SCION and starts it (the data model sees the test's Date). */
export function interpret(
  doc: string,
  file = 'machine.scxml',
  options: { customSend?: (event: SentEvent, sendOptions: { type?: string; delay?: number }) => void } = {},
): Promise<Interpreter> {
  return new Promise((resolve, reject) => {
    scxml.documentStringToModel(file, doc, (err, model) => {
      if (err) return reject(err);
      model.prepare(
        (err2, fn) => {
          if (err2) return reject(err2);
          const sc = new scxml.core.Statechart(fn, options);
          sc.start();
          resolve(sc);
        },
        { console, Date },
      );
    });
  });
}
