"""The watcher's decisions from the node's answers (confirm, wait, revert, move, or not know),
without a node: each answer a node may give, honest, silent, lagging or lying."""

import threading

import pytest
from hypothesis import given
from hypothesis import strategies as st

from odoo.addons.stablecoin_wallet.chain import TRANSFER_TOPIC, to_checksum_address, watch
from odoo.addons.stablecoin_wallet.chain.rpc import RpcError
from odoo.addons.stablecoin_wallet.chain.scanner import address_topic, read_ahead
from odoo.addons.stablecoin_wallet.chain.watch import (
    Ask,
    Placement,
    TransferKey,
    Verdict,
    checkpoint_rewind,
    depth,
    first_checkpoint,
    is_final,
    judge_block,
    judge_receipt,
    moved_by_reorg,
    placement_in,
    reincluded_state,
    rewind,
    scan_from,
    tagged_block_number,
    verify_due,
    verify_window_start,
)

RECORDED, OTHER, THIRD = ("0x" + c * 64 for c in "abc")
OTHER_MIXED_CASE = "0x" + "B" * 64  # OTHER, as a node may write it
TOKEN = to_checksum_address("0x833589fcd6edb6e08f4c7c32d4f71b54bda02913")
PAYER = to_checksum_address("0x70997970c51812dc3a010c7d01b50e0d17dc79c8")
MERCHANT = to_checksum_address("0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266")
hashes = st.sampled_from([RECORDED, OTHER, THIRD])
answers = st.one_of(st.none(), hashes)


def play_block(recorded, first, endpoint=(), witness=None):
    """The model's protocol over given answers: the endpoint's first answer, its next ones
    (``endpoint``), another endpoint's (``witness``). Returns the verdict and the questions."""
    later, asked, answered = iter(endpoint), [], [first]
    verdict = judge_block(recorded, answered)
    while isinstance(verdict, Ask):
        asked.append(verdict)
        answered.append(next(later) if verdict is Ask.AGAIN else witness)
        verdict = judge_block(recorded, answered)
    return verdict, asked


def receipt(block=0x1234, block_hash=OTHER_MIXED_CASE, status="0x1", logs=()):
    return {
        "blockNumber": hex(block),
        "blockHash": block_hash,
        "status": status,
        "logs": list(logs),
    }


def transfer_log(amount, index, sender=PAYER, recipient=MERCHANT, token=TOKEN):
    return {
        "address": token.lower(),
        "topics": [TRANSFER_TOPIC, address_topic(sender), address_topic(recipient)],
        "data": "0x" + amount.to_bytes(32, "big").hex(),
        "blockNumber": "0x1234",
        "blockHash": OTHER,
        "transactionHash": "0x" + "d" * 64,
        "logIndex": hex(index),
    }


# -- finality --------------------------------------------------------------------------------
def test_depth_counts_the_block_itself():
    assert depth(100, 100) == 1
    assert depth(100, 111) == 12
    assert depth(101, 100) == 0


@pytest.mark.parametrize(
    "block, head, final",
    [(100, 110, False), (100, 111, True), (100, 500, True), (100, 99, False)],
)
def test_final_by_depth(block, head, final):
    assert is_final(block, head, "depth", 12, 0) is final


@pytest.mark.parametrize("tag", ["safe", "finalized"])
def test_final_by_the_nodes_tag_only(tag):
    # However deep, never final while the node has not tagged a block.
    assert not is_final(100, 10_000, tag, 12, 0)
    assert not is_final(100, 10_000, tag, 12, None)
    assert not is_final(100, 10_000, tag, 12, 99)
    assert is_final(100, 100, tag, 12, 100), "the tag decides, not the depth"


@given(block=st.integers(0, 10**9), head=st.integers(0, 10**9), confirmations=st.integers(1, 1000))
def test_final_by_depth_stays_final_as_the_head_grows(block, head, confirmations):
    if is_final(block, head, "depth", confirmations, 0):
        assert is_final(block, head + 1, "depth", confirmations, 0)
        assert depth(block, head) >= confirmations >= 1


def test_tagged_block_number():
    assert tagged_block_number({"number": "0x1c9c380", "hash": OTHER}) == 30_000_000
    # No tagged block (a node without the tag answers null): nothing is final by it.
    assert tagged_block_number(None) == 0
    assert tagged_block_number("finalized") == 0


# -- checkpoint ------------------------------------------------------------------------------
def test_first_checkpoint():
    assert first_checkpoint(5000, 9000, 12) == 4999, "from the configured start block"
    assert first_checkpoint(0, 9000, 12) == 9000 - 12 - 100 - 1, "near the head"
    assert first_checkpoint(0, 50, 12) == -1, "a young chain: from block 0"


def test_scan_from_reads_the_overlap_again_but_not_before_the_start():
    assert scan_from(1000, 0, 12) == 989
    assert scan_from(1000, 995, 12) == 995
    assert scan_from(5, 0, 12) == 0
    assert scan_from(-1, 0, 0) == 0


def test_checkpoint_reorg_rescans_the_unsure_blocks():
    assert checkpoint_rewind(1000, RECORDED, RECORDED, 12) is None
    assert checkpoint_rewind(1000, RECORDED, OTHER, 12) == 987
    assert checkpoint_rewind(5, RECORDED, OTHER, 12) == 0
    # A silent node rescans too (a rescan reverses nothing, it reads again).
    assert checkpoint_rewind(1000, RECORDED, None, 12) == 987


def test_rewind_only_goes_back():
    assert rewind(1000, 990) == 989
    assert rewind(1000, 1001) is None, "the next scan reads it anyway"
    assert rewind(1000, 1002) is None
    assert rewind(1000, 0) == 0


def test_verify_due():
    assert not verify_due(1005, 1000, 12, False)
    assert verify_due(1005, 1000, 12, True), "the checkpoint moved: a reorg replaced blocks"
    assert verify_due(1012, 1000, 12, False), "every confirmation depth"
    assert verify_due(999, 1000, 12, False), "the head went back"
    assert verify_due(5, None, 12, False) is False
    assert verify_due(5, 0, 3, False)
    assert verify_window_start(1000, 200, 12) == 800
    assert verify_window_start(1000, 0, 12) == 988, "never narrower than the depth"


# -- a recorded block, asked again -----------------------------------------------------------
def test_same_block_confirms_without_another_question():
    assert play_block(RECORDED, RECORDED) == (Verdict.SAME, [])


@pytest.mark.parametrize("silence", [None, ""])
def test_silent_node_proves_nothing(silence):
    assert play_block(RECORDED, silence) == (Verdict.SILENT, [])


def test_reorg_proven_by_the_endpoint_twice_and_a_witness():
    assert play_block(RECORDED, OTHER, [OTHER], witness=OTHER) == (
        Verdict.REPLACED,
        [Ask.AGAIN, Ask.WITNESS],
    )


def test_reorg_proven_by_the_only_endpoint_twice():
    # No other endpoint (or it failed): the endpoint's two consistent answers decide.
    assert play_block(RECORDED, OTHER, [OTHER], witness=None)[0] is Verdict.REPLACED


@pytest.mark.parametrize(
    "again", [RECORDED, THIRD, None], ids=["back-to-recorded", "third-block", "silent"]
)
def test_node_lying_once_is_unsure(again):
    assert play_block(RECORDED, OTHER, [again], witness=OTHER) == (Verdict.UNSURE, [Ask.AGAIN])


@pytest.mark.parametrize("witness", [RECORDED, THIRD], ids=["sees-recorded", "sees-another"])
def test_second_endpoint_disagreeing_reverses_nothing(witness):
    assert play_block(RECORDED, OTHER, [OTHER], witness=witness) == (
        Verdict.UNSURE,
        [Ask.AGAIN, Ask.WITNESS],
    )


@given(recorded=hashes, first=answers, endpoint=st.lists(answers, max_size=3), witness=answers)
def test_block_is_replaced_only_when_proven(recorded, first, endpoint, witness):
    endpoint = [*endpoint, None, None]
    verdict, asked = play_block(recorded, first, endpoint, witness)
    assert len(asked) <= 2
    assert isinstance(verdict, Verdict)
    if first is None:
        assert verdict is Verdict.SILENT
    if verdict is Verdict.REPLACED:
        assert first != recorded and endpoint[0] == first
        assert witness in (None, first)
    if first and first != recorded and endpoint[0] == first and witness in (None, first):
        assert verdict is Verdict.REPLACED


# -- a transaction whose block was replaced --------------------------------------------------
def test_reinclusion_in_another_block_is_moved():
    assert judge_receipt([receipt()]) is Verdict.MOVED


@pytest.mark.parametrize(
    "answer",
    [receipt(status="0x0"), receipt(block_hash=None), {}],
    ids=["failed", "not-in-a-block", "empty"],
)
def test_receipt_of_no_successful_inclusion_is_gone(answer):
    assert judge_receipt([answer]) is Verdict.GONE


def test_deep_reorg_absent_twice_is_gone():
    # The accepted transfer's block was replaced (proven), and its transaction is not on chain.
    assert play_block(RECORDED, OTHER, [OTHER], witness=OTHER)[0] is Verdict.REPLACED
    assert judge_receipt([None]) is Ask.AGAIN
    assert judge_receipt([None, None]) is Verdict.GONE


def test_receipt_absent_once_then_there_is_unsure():
    assert judge_receipt([None, receipt()]) is Verdict.UNSURE


def test_moved_by_reorg():
    key = TransferKey(7, PAYER, MERCHANT, "1000000")
    assert moved_by_reorg(RECORDED, key, OTHER, TransferKey(7, PAYER, MERCHANT, "1000000"))
    assert not moved_by_reorg(RECORDED, key, RECORDED, key), "the same place: not moved"
    assert not moved_by_reorg(RECORDED, key, OTHER, TransferKey(7, PAYER, MERCHANT, "1000001"))
    assert not moved_by_reorg(RECORDED, key, OTHER, TransferKey(8, PAYER, MERCHANT, "1000000"))
    assert not moved_by_reorg(RECORDED, key, OTHER, TransferKey(7, MERCHANT, PAYER, "1000000"))


@pytest.mark.parametrize(
    "state, again",
    [("reverted", "seen"), ("seen", "seen"), ("confirmed", "confirmed"), ("matched", "matched")],
)
def test_a_reincluded_transfer_keeps_its_state_unless_reverted(state, again):
    assert reincluded_state(state) == again


def test_placement_of_a_reincluded_transfer():
    logs = [
        {"topics": ["0x00"], "data": "0x"},  # not a Transfer log: skipped
        transfer_log(5_000_000, 2),  # another transfer of the same transaction
        transfer_log(1_000_000, 3, sender=MERCHANT, recipient=PAYER),
        transfer_log(1_000_000, 4),
    ]
    key = TransferKey(TOKEN, PAYER, MERCHANT, "1000000")
    placed = placement_in(receipt(logs=logs), key)
    assert placed == Placement(0x1234, OTHER, 4), "its block hash as recorded: lower case"
    # Its log not found (the receipt's logs are not ours): the block only.
    assert placement_in(receipt(logs=logs[:3]), key) == Placement(0x1234, OTHER, None)
    assert placement_in({"blockNumber": "0x1", "blockHash": OTHER}, key).log_index is None


def test_identical_transfers_of_one_transaction_take_one_log_each():
    logs = [transfer_log(1_000_000, 6), transfer_log(1_000_000, 7)]
    key = TransferKey(TOKEN, PAYER, MERCHANT, "1000000")
    assert placement_in(receipt(logs=logs), key).log_index == 6
    assert placement_in(receipt(logs=logs), key, taken={6}).log_index == 7
    assert placement_in(receipt(logs=logs), key, taken={6, 7}).log_index is None


# -- the head follower (issue 26) ---------------------------------------------------------
def test_the_latest_block_proves_the_checkpoint_when_it_links_to_it():
    assert watch.checkpoint_linked(10, "0xa", 10, "0xa", "0x9")  # the checkpoint itself
    assert watch.checkpoint_linked(10, "0xa", 11, "0xb", "0xa")  # the next block, its child
    assert not watch.checkpoint_linked(10, "0xa", 11, "0xb", "0xz")  # another parent: ask
    assert not watch.checkpoint_linked(10, "0xa", 12, "0xc", "0xb")  # blocks skipped: ask
    assert not watch.checkpoint_linked(10, "0xa", 10, "0xq", "0x9")  # replaced at the head
    assert not watch.checkpoint_linked(10, None, 11, "0xb", "0xa")  # no hash kept: ask


def test_an_unchanged_head_reads_nothing():
    assert watch.head_unchanged(10, "0xa", 10, "0xa")
    assert not watch.head_unchanged(10, "0xa", 11, "0xb")
    assert not watch.head_unchanged(10, "0xa", 10, "0xb")
    assert not watch.head_unchanged(10, None, 10, "0xa")


def test_settled_checks_read_the_new_transfers_and_the_window_once_per_window():
    # A check due 12 blocks after the last: only what was accepted since (and the depth).
    assert watch.verify_from(1012, 1000, 200, 12, False) == 988
    # Crossing a window boundary, a reorganisation at the checkpoint, or a head gone back:
    # the whole window.
    assert watch.verify_from(1202, 1190, 200, 12, False) == 1002
    assert watch.verify_from(1012, 1000, 200, 12, True) == 812
    assert watch.verify_from(990, 1000, 200, 12, False) == 790


def test_transfers_out_are_read_about_once_a_minute_of_blocks():
    assert watch.out_scan_every(12, 12) == 12  # Ethereum: the depth (12 blocks, 2.4 min)
    assert watch.out_scan_every(2, 2) == 30  # the demo chain: a minute
    assert watch.out_scan_every(20, 0.25) == 240  # Arbitrum: a minute


def test_the_follower_asks_once_a_block_and_at_most_once_a_second():
    assert watch.next_poll_delay(12, True) == 12
    assert watch.next_poll_delay(12, False) == 3
    assert watch.next_poll_delay(0.25, True) == watch.MIN_POLL_SECONDS
    assert watch.next_poll_delay(0.25, False) == watch.MIN_POLL_SECONDS / 4


def test_the_block_whose_receipts_the_next_block_makes_final():
    for final in (1, 2, 3, 12):
        last = watch.last_block_final_next(100, final)
        assert watch.depth(last, 101) == final
        assert watch.is_final(last, 101, "depth", final, 0)
        assert not watch.is_final(last + 1, 101, "depth", final, 0)


def test_other_jobs_wait_for_the_next_block_at_most_a_block_and_a_half():
    assert watch.other_jobs_patience(2) == 3.5
    assert watch.other_jobs_patience(12) == 18.5
    assert watch.other_jobs_patience(0.25) == 1.5 * watch.MIN_POLL_SECONDS + 0.5


def test_the_last_final_block():
    assert watch.last_final_block(111, "depth", 12, 0) == 100
    assert watch.last_final_block(5, "depth", 12, 0) == -6, "none yet"
    assert watch.last_final_block(10_000, "finalized", 12, 0) == -1, "none while untagged"
    assert watch.last_final_block(10_000, "safe", 12, 9_990) == 9_990


def test_read_ahead_yields_every_range_in_order_then_raises_the_nodes_error():
    asked = []

    def chunks():
        for number in range(5):
            asked.append(number)
            yield number
        raise RpcError("node down")

    got = []
    with pytest.raises(RpcError, match="node down"):
        got.extend(read_ahead(chunks()))
    assert got == [0, 1, 2, 3, 4]
    assert asked == got


def test_read_ahead_stops_asking_when_the_caller_stops():
    asked = []

    def chunks():
        for number in range(100):
            asked.append(number)
            yield number

    for chunk in read_ahead(chunks()):
        if chunk == 2:
            break
    # The thread was at most a range ahead (and one more asked while the caller waited).
    assert len(asked) <= 5
    assert not any(t.name == "stablecoin-read-ahead" for t in threading.enumerate())
