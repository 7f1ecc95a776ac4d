"""The harness's options: one part of a run can be run on its own."""

import pytest

from bench import run


def test_every_part_runs_unless_only_names_some():
    assert run.parse_args([]).only is None
    args = run.parse_args(["--only", "sign_crypto", "--only", "export", "--crypto-signs", "300"])
    assert (args.only, args.crypto_signs, args.crypto_turn) == (["sign_crypto", "export"], 300, 10)
    with pytest.raises(SystemExit):
        run.parse_args(["--only", "everything"])
