"""Property: random condition trees printed to text and parsed back are the same tree and
evaluate identically on random items — both fully parenthesised and with the fewest
parentheses DynamoDB's precedence allows (which checks the precedence rules)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from fogbank.services.dynamodb import expressions as ex
from fogbank.services.dynamodb.expressions import nodes as n

VALUES = {
    ":s1": {"S": "a"}, ":s2": {"S": "ab"}, ":n1": {"N": "1"}, ":n2": {"N": "2.5"},
    ":b1": {"B": b"\x01"}, ":ss": {"SS": ["a", "b"]}, ":l": {"L": [{"S": "a"}]},
    ":tS": {"S": "S"}, ":tN": {"S": "N"}, ":tL": {"S": "L"}, ":tM": {"S": "M"},
}
PATHS = [("a1",), ("b2",), ("c3",), ("m", "x"), ("m", "y"), ("l", 0), ("l", 1)]
SCALARS = [{"S": "a"}, {"S": "ab"}, {"S": "b"}, {"N": "1"}, {"N": "2.5"}, {"N": "-3"},
           {"B": b"\x01"}, {"BOOL": True}, {"NULL": True}, {"SS": ["a", "b"]}]

paths = st.sampled_from(PATHS)
path_operands = paths.map(n.PathOperand)
value_operands = st.sampled_from(sorted(VALUES)).map(n.ValueOperand)
operands = st.one_of(path_operands, value_operands, paths.map(n.SizeOperand))
prefix_operands = st.one_of(path_operands,
                            st.sampled_from([":s1", ":s2", ":b1"]).map(n.ValueOperand))

leaves = st.one_of(
    st.builds(n.Compare, st.sampled_from(["=", "<>", "<", "<=", ">", ">="]), operands, operands),
    st.builds(n.Between, operands, operands, path_operands),
    st.builds(lambda o, cs: n.In(o, tuple(cs)), operands, st.lists(operands, min_size=1,
                                                                     max_size=4)),
    st.builds(n.AttributeExists, paths),
    st.builds(n.AttributeNotExists, paths),
    st.builds(n.AttributeType, paths,
              st.sampled_from([":tS", ":tN", ":tL", ":tM"]).map(n.ValueOperand)),
    st.builds(n.BeginsWith, path_operands, prefix_operands),
    st.builds(n.Contains, path_operands, operands),
)
trees = st.recursive(leaves, lambda children: st.one_of(
    st.builds(n.And, children, children), st.builds(n.Or, children, children),
    st.builds(n.Not, children)), max_leaves=12)

items = st.fixed_dictionaries({}, optional={
    "a1": st.sampled_from(SCALARS), "b2": st.sampled_from(SCALARS),
    "c3": st.sampled_from(SCALARS),
    "m": st.fixed_dictionaries({}, optional={"x": st.sampled_from(SCALARS),
                                             "y": st.sampled_from(SCALARS)}).map(
        lambda members: {"M": members}),
    "l": st.lists(st.sampled_from(SCALARS), max_size=3).map(lambda elements: {"L": elements}),
})

LEVEL = {n.Or: 1, n.And: 2, n.Not: 3}


def minimal_text(node: n.Node) -> str:
    """Print with parentheses only where precedence (OR < AND < NOT) requires them."""
    level = LEVEL.get(type(node), 4)

    def child(sub: n.Node, strict: bool) -> str:
        sub_level = LEVEL.get(type(sub), 4)
        needs = sub_level < level or (strict and sub_level == level)
        text = minimal_text(sub)
        return f"({text})" if needs else text

    if isinstance(node, n.Or):
        return f"{child(node.left, False)} OR {child(node.right, True)}"
    if isinstance(node, n.And):
        return f"{child(node.left, False)} AND {child(node.right, True)}"
    if isinstance(node, n.Not):
        return f"NOT {child(node.operand, False)}"
    return node.text()


def reparse(text: str) -> n.Condition:
    return ex.parse_condition(text, ex.ExpressionContext(None, VALUES))


@settings(max_examples=300, deadline=None)
@given(trees, st.lists(items, min_size=1, max_size=4))
def test_print_parse_roundtrip(tree: n.Node, sample: list) -> None:
    original = n.Condition(tree, VALUES)
    for text in (tree.text(), minimal_text(tree)):
        parsed = reparse(text)
        assert parsed.root == tree, text
        for item in sample:
            assert ex.evaluate(parsed, item) == ex.evaluate(original, item)
