"""The paper letter (介绍信): capital numerals, the 三联 letter and the member form as HTML/PDF."""
