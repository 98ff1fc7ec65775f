"""Two mutators poodle lacks, for rules written as tables and regular expressions.

- ``Element``: drops one entry from a set, list, tuple or dict literal (an allowed status
  move, an invisible character, an expiry provider). Literals with more than
  ``MAX_ELEMENTS`` entries are left alone: the long stop-word lists in comments/checks.py
  would add hundreds of mutants whose only test is a copy of the list.
- ``RegexWord``: drops one word alternative from a string that reads as a regular
  expression alternation (``son|daughter|child``): a word a safeguarding or link rule
  stops recognising.
"""

import ast
import re

from poodle.data_types import Mutator

MAX_ELEMENTS = 16

# A plain word (or two) between alternation bars or a group's brackets.
_ALTERNATIVE = re.compile(r"(?<=[|:(])([A-Za-z][A-Za-z ?'\\-]*?)(?=[|)])")


def _without(items, index):
    return [item for position, item in enumerate(items) if position != index]


def _is_choice(node):
    """A TextChoices member's ``(value, label)`` pair, or an assignment target: not a table."""
    if not isinstance(node, ast.Tuple):
        return False
    if isinstance(node.ctx, ast.Store):
        return True
    return len(node.elts) == 2 and all(isinstance(e, ast.Constant) and isinstance(e.value, str) for e in node.elts)


class ElementMutator(Mutator):
    mutator_name = "Element"

    def create_mutations(self, parsed_ast, *_, **__):
        mutations = []
        for node in ast.walk(parsed_ast):
            if isinstance(node, ast.Set | ast.List | ast.Tuple):
                if not 1 <= len(node.elts) <= MAX_ELEMENTS or _is_choice(node):
                    continue
                for index in range(len(node.elts)):
                    rest = _without(node.elts, index)
                    if isinstance(node, ast.Set):
                        replacement = ast.Set(elts=rest) if rest else ast.Call(ast.Name("set"), [], [])
                    elif isinstance(node, ast.List):
                        replacement = ast.List(elts=rest, ctx=ast.Load())
                    else:
                        replacement = ast.Tuple(elts=rest, ctx=ast.Load())
                    mutations.append(self.create_file_mutation(node, "(" + ast.unparse(replacement) + ")"))
            elif isinstance(node, ast.Dict) and 1 <= len(node.keys) <= MAX_ELEMENTS:
                for index in range(len(node.keys)):
                    if node.keys[index] is None:
                        continue
                    replacement = ast.Dict(keys=_without(node.keys, index), values=_without(node.values, index))
                    mutations.append(self.create_file_mutation(node, "(" + ast.unparse(replacement) + ")"))
        return mutations


class RegexWordMutator(Mutator):
    mutator_name = "RegexWord"

    def create_mutations(self, parsed_ast, *_, **__):
        mutations = []
        for node in ast.walk(parsed_ast):
            if not (isinstance(node, ast.Constant) and isinstance(node.value, str) and "|" in node.value):
                continue
            if node.lineno != node.end_lineno:
                continue  # docstrings and prose
            text = node.value
            for match in _ALTERNATIVE.finditer(text):
                start, end = match.span()
                if end < len(text) and text[end] == "|":
                    mutated = text[:start] + text[end + 1 :]
                elif start > 0 and text[start - 1] == "|":
                    mutated = text[: start - 1] + text[end:]
                else:
                    continue
                mutations.append(self.create_file_mutation(node, repr(mutated)))
        return mutations
