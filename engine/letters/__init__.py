"""Letters to the participants of a procedure (UBL § 171), in Danish.

- ``content``: what each letter says, from only what its addressee may read (pure);
- ``records``: making them in the unit of work of the deciding step, each recorded in
  the audit log, and reading them back;
- ``render``: a letter as an HTML page or a PDF.
"""
