import { DFA, JS, NFA } from 'refa';

/** Larger automata are not built; their category falls back to holding a fixed window. */
const MAX_NODES = 20_000;

type Node = DFA.ReadonlyNode;

/**
 * A deterministic automaton over the language of a block-list category's terms and patterns
 * (without its word boundaries), to tell whether a piece of text could still grow into a match:
 * a text that drives it into no state at all cannot be the start of one, whatever follows.
 * Lookarounds in operators' patterns are treated as always true, which only widens the language,
 * so the automaton may hold back more than it must but never less.
 */
export class PrefixAutomaton {
  private constructor(
    private readonly initial: Node,
    /** States from which some accepting state can still be reached. */
    private readonly live: ReadonlySet<Node>,
  ) {}

  /**
   * The automaton of a JavaScript regular expression (flags i and u, as the block list runs),
   * or undefined when it cannot be built (a backreference, or too many states).
   */
  static compile(source: string): PrefixAutomaton | undefined {
    try {
      const { expression, maxCharacter } = JS.Parser.fromLiteral({ source, flags: 'iu' }).parse({
        assertions: 'ignore',
        backreferences: 'throw',
        maxNodes: MAX_NODES,
      });
      const nfa = NFA.fromRegex(expression, { maxCharacter }, { assertions: 'ignore' });
      const dfa = DFA.fromFA(nfa, new DFA.LimitedNodeFactory(MAX_NODES));
      dfa.minimize();
      return new PrefixAutomaton(dfa.initial, liveNodes(dfa));
    } catch {
      return undefined;
    }
  }

  /** Whether `text` from `start` on is the beginning (or the whole) of some match. */
  canGrowFrom(text: string, start: number): boolean {
    let node: Node | undefined = this.initial;
    for (let i = start; i < text.length && node;) {
      const codePoint = text.codePointAt(i)!;
      node = node.out.get(codePoint);
      if (node && !this.live.has(node)) return false;
      i += codePoint > 0xffff ? 2 : 1;
    }
    return node !== undefined;
  }
}

function liveNodes(dfa: DFA): Set<Node> {
  const nodes = [...dfa.nodes()];
  const live = new Set<Node>(dfa.finals);
  for (let grew = true; grew;) {
    grew = false;
    for (const node of nodes) {
      if (live.has(node)) continue;
      for (const next of node.out.values()) {
        if (live.has(next)) {
          live.add(node);
          grew = true;
          break;
        }
      }
    }
  }
  return live;
}
