"""The Cell page's body (``pages/cell.py`` lays it out): the stepper, the sections, their charts."""
