import pytest

from roer.repairs.default_tree import default_tree
from roer.repairs.tree import Tree


@pytest.fixture(scope="session")
def tree() -> Tree:
    return Tree.from_document(default_tree())
