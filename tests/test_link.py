"""The linked graph, as a maintainer reading a failing test sees it."""

from generator.core.link import link


def test_graph_nodes_print_as_their_slugs_so_a_failing_test_stays_readable(atlas):
    # The graph is cyclic (city -> membership -> network -> membership -> city); the default
    # dataclass repr printed all of it, and once filled a machine's memory when pytest
    # showed a failing value.
    linked = link(atlas.validate())
    city = linked.cities["testville"]
    assert repr(city) == "<City testville>"
    assert repr(city.memberships[0]) == "<Membership testville in test-network>"
    assert repr(linked.initiatives["test-welcome"]) == "<Initiative test-welcome>"
    assert repr(city.country) == "<Country de>"
    assert repr(linked) == "<Atlas>"
