"""Preparing a bundle's private copy and accounting for every file of it.

`copy` walks the bundle (refusing what cannot be listed or links that leave
it) and copies what the scanners may see; `rules` names the built-in rules
that leave files out; `thirdparty` proves installed packages by their RECORD;
`imports` brings back code the bundle's own modules import from ignored
folders, and whatever lies in a Python function's code; `bytecode` refuses
`__pycache__` bytecode Python may run instead of a scanned source; `accounting`
gives every file exactly one state (scanned only if an enabled scanner reads it).
"""
