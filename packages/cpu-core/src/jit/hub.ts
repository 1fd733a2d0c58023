/*
 * The hub: one wasm function per hart that enters compiled pages and chains from one
 * to the next without going back to JavaScript.
 *
 * Every page function is put in the hub's table at its RAM page index. The hart calls
 * `dispatch(vbase, off, budget, index)`; the hub calls the page through the table and,
 * when it left for another page, looks that page up in the hart's fetch cache as
 * mirrored in the state area (LAYOUT.fc): a hit with compiled code is called at once.
 * It returns to JavaScript on a miss there, when a page retired nothing (no entry at
 * that offset, or what is next is not compiled), when the budget is spent, or when a
 * computed jump missed. One call site also means one JS-to-wasm wrapper for all pages.
 *
 * Signature: dispatch(vbase: f64, off: i32, budget: i32, index: i32) -> i32 retired;
 * exit pc at pcOut, as for a page function.
 */
import { FETCH_CACHE, LAYOUT, PAGE, type PageFn } from './compile.js';
import { Code, encodeModule, instantiate, O, T } from './wasm.js';

export type HubFn = (vbase: number, off: number, budget: number, index: number) => number;

/** The table's funcref slots, as the JS API sees them. */
export interface HubTable {
  set(index: number, fn: PageFn | null): void;
}

export interface Hub {
  readonly dispatch: HubFn;
  readonly table: HubTable;
}

// Params, then locals.
const P_VB = 0; // f64
const P_OFF = 1; // i32
const P_BUDGET = 2; // i32
const P_INDEX = 3; // i32
const L_TOTAL = 4; // i32
const L_K = 5; // i32
const L_CHAINED = 6; // i32: 1 once a call has returned
const L_PC = 7; // f64
const L_VPN = 8; // f64
const L_E = 9; // i32: fetch cache entry * 16

/** Builds the hub for the hart whose state area is at `state`, with a table of `pages` slots. */
export function buildHub(memory: unknown, shared: boolean, state: number, pages: number): Hub {
  const c = new Code();
  const miss = state + LAYOUT.miss;
  const fc = state + LAYOUT.fc;
  /** Returns the instructions retired so far. */
  const leave = () => c.get(L_TOTAL).op(O.return);
  c.loop();
  // k = table[index](vbase, off, budget - total)
  c.get(P_VB).get(P_OFF).get(P_BUDGET).get(L_TOTAL).op(O.i32_sub).get(P_INDEX);
  c.callIndirect(1).tee(L_K);
  c.get(L_TOTAL).op(O.i32_add).set(L_TOTAL);
  // A computed jump that found no entry: the hart learns it from the page it entered
  // first; in a later page the miss is dropped, and the hart's own entry there records it.
  c.i32(0).mem(O.i32_load, 2, miss).if_();
  c.get(L_CHAINED).if_();
  c.i32(0).i32(0).mem(O.i32_store, 2, miss);
  c.end();
  leave();
  c.end();
  c.get(L_K).op(O.i32_eqz).if_();
  leave();
  c.end();
  c.get(L_TOTAL).get(P_BUDGET).op(O.i32_ge_s).if_();
  leave();
  c.end();
  c.i32(1).set(L_CHAINED);
  // The page of the exit pc, and its fetch cache entry (the hart's index: vpn mod size).
  c.i32(0)
    .mem(O.f64_load, 3, state + LAYOUT.pcOut)
    .tee(L_PC);
  c.f64(PAGE).op(O.f64_div).op(O.f64_floor).tee(L_VPN);
  c.op(O.i64_trunc_f64_s)
    .op(O.i32_wrap_i64)
    .i32(FETCH_CACHE - 1)
    .op(O.i32_and)
    .i32(4)
    .op(O.i32_shl)
    .set(L_E);
  c.get(L_VPN).f64(PAGE).op(O.f64_mul).set(P_VB);
  c.get(L_E).mem(O.f64_load, 3, fc).get(P_VB).op(O.f64_ne).if_();
  leave();
  c.end();
  c.get(L_E)
    .mem(O.i32_load, 2, fc + 8)
    .set(P_INDEX);
  c.get(L_PC).get(P_VB).op(O.f64_sub).op(O.i32_trunc_f64_s).set(P_OFF);
  c.br(0);
  c.end(); // loop
  c.op(O.unreachable);

  const bytes = encodeModule({
    memory: { module: 'env', name: 'mem', shared },
    funcs: [
      {
        params: [T.f64, T.i32, T.i32, T.i32],
        results: [T.i32],
        locals: [T.i32, T.i32, T.i32, T.f64, T.f64, T.i32],
        body: c,
        export: 'dispatch',
      },
    ],
    // Type 1: a page function.
    types: [{ params: [T.f64, T.i32, T.i32], results: [T.i32] }],
    table: { size: pages, export: 'pages' },
  });
  const exports = instantiate(bytes, { env: { mem: memory } });
  return { dispatch: exports.dispatch as HubFn, table: exports.pages as HubTable };
}
