"""Pure text helpers: normalisation, spoken digits, identifiers, masking.

No third-party imports at module level (opencc is imported lazily), so this
package loads in both the Rasa env and the services env.
"""

from zhtext.identifiers import (
    extract_case_number,
    extract_id_number,
    extract_phone,
    id_check_char,
    is_valid_id_number,
    mask_id,
    mask_name,
    mask_phone,
)
from zhtext.normalize import normalize, to_simplified
from zhtext.numbers import spoken_digits_to_digits
from zhtext.privacy import RedactingFilter, install_redaction, redact

__all__ = [
    "extract_case_number",
    "extract_id_number",
    "extract_phone",
    "id_check_char",
    "is_valid_id_number",
    "mask_id",
    "mask_name",
    "mask_phone",
    "normalize",
    "RedactingFilter",
    "install_redaction",
    "redact",
    "spoken_digits_to_digits",
    "to_simplified",
]
