"""The journalists' admin for the tracker's facts, one module per area (each registers its models).

- councils: the councils, their status form, care boards and SEND inspections;
- status: the status history (read-only, corrected by editors) and the "Mark as …" actions;
- partnerships: partnerships and their member councils;
- programme: the programme, its key figures and contracts;
- programme_timeline: the programme's dated events and the former names of the programme and partnerships.

Every change of a council's status goes through councils.services; the forms are in councils/forms.py.
"""

from . import councils, partnerships, programme, programme_timeline, status  # noqa: F401  (each registers its models)
