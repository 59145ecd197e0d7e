"""How the calendar file and the emails tell the reviewer to reach the provider's side."""

from p2p.appointments.call_details import contact_lines
from p2p.appointments.values import Contact, Performer


def test_contact_lines_show_each_number_with_its_extension_and_who_performs():
    contact = Contact(
        "Pat Lee", "Provider Office", "555-0100", "12", "555-0199", "7", "Ask for Pat."
    )
    performer = Performer("contact_person", first_name="John", last_name="Doe",
                          location="Provider Office")
    assert contact_lines(contact, performer) == [
        "Phone: 555-0100 ext. 12",
        "Alternate phone: 555-0199 ext. 7",
        "Contact: Pat Lee, Provider Office",
        "Instructions: Ask for Pat.",
        "Performed by: John Doe, Provider Office (contact person)",
    ]


def test_contact_lines_leave_out_what_is_not_given():
    contact = Contact("Pat Lee", "", "555-0100")
    performer = Performer("requesting_provider", name="Dr. Jane Doe", credential="MD")
    assert contact_lines(contact, performer) == [
        "Phone: 555-0100",
        "Contact: Pat Lee",
        "Performed by: Dr. Jane Doe, MD (requesting provider)",
    ]
