import argparse
from dataclasses import dataclass

import pytest

from hpcpar.config import ConfigError, add_config_arguments, load_config, param, to_toml


@dataclass(frozen=True)
class Deck:
    nx: int = param(100, "grid points", minimum=3)
    alpha: float = param(1.0, "diffusivity", units="m^2/s", above=0.0)
    r: float = param(0.4, "mesh ratio", maximum=0.5)
    boundary: str = param("dirichlet", "boundary kind", choices=("dirichlet", "neumann"))
    distances: tuple[float, ...] = param((1.0, 2.0), "targets", above=0.0)
    restart: str | None = param(None, "restart file")
    plot: bool = param(False, "write a PNG")
    samples: int = param(1000, "sample count", minimum=1)


def write(tmp_path, text):
    path = tmp_path / "deck.toml"
    path.write_text(text)
    return path


def test_defaults_deck_and_overrides_in_order(tmp_path):
    deck = write(tmp_path, "nx = 50\nalpha = 2\nboundary = 'neumann'\n")
    cfg = load_config(Deck, deck, {"nx": "64"})
    assert cfg == Deck(nx=64, alpha=2.0, boundary="neumann")
    assert isinstance(cfg.alpha, float)


def test_scientific_integers_and_lists_from_strings():
    cfg = load_config(Deck, None, {"samples": "1e11", "distances": "1.5, 3", "plot": "true"})
    assert cfg.samples == 10**11 and isinstance(cfg.samples, int)
    assert cfg.distances == (1.5, 3.0)
    assert cfg.plot is True


@pytest.mark.parametrize("text, words", [
    ("nxx = 5\n", ["unknown field 'nxx'", "did you mean 'nx'"]),
    ("nx = 'many'\n", ["field 'nx'", "'many'", "expected an integer"]),
    ("nx = 2.5\n", ["field 'nx'", "2.5", "expected an integer"]),
    ("nx = 2\n", ["field 'nx'", "= 2", ">= 3"]),
    ("alpha = -1.0\n", ["field 'alpha'", "-1.0", "> 0"]),
    ("alpha = 0\n", ["field 'alpha'", "> 0"]),
    ("r = 0.6\n", ["field 'r'", "0.6", "<= 0.5"]),
    ("boundary = 'robin'\n", ["field 'boundary'", "'robin'", "dirichlet, neumann"]),
    ("distances = [1.0, -2.0]\n", ["field 'distances'", "-2.0", "> 0"]),
    ("distances = 3\n", ["field 'distances'", "expected a list of numbers"]),
    ("plot = 'maybe'\n", ["field 'plot'", "true or false"]),
    ("nx = true\n", ["field 'nx'", "True", "integer"]),
    ("nx = [1\n", ["not valid TOML"]),
])
def test_bad_deck_names_field_value_and_expectation(tmp_path, text, words):
    with pytest.raises(ConfigError) as err:
        load_config(Deck, write(tmp_path, text))
    for word in words:
        assert word in str(err.value)
    assert "deck.toml" in str(err.value)


@pytest.mark.parametrize("overrides, words", [
    ({"nx": "abc"}, ["command line", "field 'nx'", "'abc'", "integer"]),
    ({"alpha": "nan"}, ["field 'alpha'", "a number"]),
    ({"samples": "0"}, ["field 'samples'", ">= 1"]),
])
def test_bad_overrides(overrides, words):
    with pytest.raises(ConfigError) as err:
        load_config(Deck, None, overrides)
    for word in words:
        assert word in str(err.value)


def test_missing_deck(tmp_path):
    with pytest.raises(ConfigError, match="does not exist"):
        load_config(Deck, tmp_path / "nope.toml")


def test_toml_round_trip(tmp_path):
    cfg = Deck(nx=7, alpha=0.25, boundary="neumann", distances=(1.0, 4.5), restart="a b.h5",
               plot=True)
    assert load_config(Deck, write(tmp_path, to_toml(cfg))) == cfg
    assert load_config(Deck, write(tmp_path, to_toml(Deck()))) == Deck()


def test_command_line_flags_only_set_what_is_given():
    parser = argparse.ArgumentParser()
    add_config_arguments(parser, Deck)
    args = parser.parse_args(["--nx", "12", "--plot", "--distances", "1,2,3"])
    assert vars(args) == {"nx": "12", "plot": True, "distances": "1,2,3"}
    assert load_config(Deck, None, vars(args)).distances == (1.0, 2.0, 3.0)
