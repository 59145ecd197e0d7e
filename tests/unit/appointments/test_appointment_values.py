"""Call notes as the booking stores them: a reschedule sends only the boxes that change."""

from datetime import date

from p2p.appointments.values import CallNotes, as_dict


def test_merged_changes_only_the_boxes_sent_and_keeps_the_rest():
    notes = CallNotes(alt_rec_declined=True, tx_license_waived=True)

    merged = notes.merged(
        {"procedure_performed": True, "procedure_performed_on": date(2026, 11, 2),
         "tx_license_waived": False}
    )

    assert merged == CallNotes(
        alt_rec_declined=True,
        procedure_performed=True,
        procedure_performed_on=date(2026, 11, 2),
        tx_license_waived=False,
    )
    assert notes.checked == {"alt_rec_declined", "tx_license_waived"}  # unchanged


def test_merged_ignores_names_that_are_not_call_notes():
    notes = CallNotes(oh_member_consent=True)
    assert notes.merged({"member_name": "x", "start": "2026-11-23T09:00"}) == notes


def test_as_dict_holds_every_box_by_name():
    stored = as_dict(CallNotes(md_specialty_match_requested=True))
    assert stored == {
        "alt_rec_declined": False,
        "procedure_performed": False,
        "procedure_performed_on": None,
        "md_specialty_match_requested": True,
        "appeal_lor_attestation": False,
        "oh_member_consent": False,
        "tx_license_waived": False,
        "tx_specialty_waived": False,
    }
