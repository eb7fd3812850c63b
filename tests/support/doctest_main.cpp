// The main of every doctest program: doctest's own, except that a run in which a test case was
// skipped (ZHUXUE_ALLOW_SKIP=1, see requirements.hpp) and nothing failed exits with 77, which
// CTest reports as not run.
#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

#include "process.hpp"
#include "requirements.hpp"

int main(int argc, char** argv) {
    doctest::Context context(argc, argv);
    zhuxue::test::setFixtureFailureHandler([](const std::string& what) { FAIL_CHECK(what); });
    int rc = context.run();
    if (context.shouldExit() || rc != 0)
        return rc;
    return zhuxue::test::skippedCount() > 0 ? zhuxue::test::kSkipExitCode : 0;
}
