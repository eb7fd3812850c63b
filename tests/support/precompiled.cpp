// Compiled only to build tests/support/precompiled.hpp once (tests/CMakeLists.txt).
