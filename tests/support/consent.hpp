#pragma once
// Consents for test data: the store refuses sensitive values of a party without one (store.hpp),
// so fixtures record them the way the staff client does (the current text from assets/consent,
// ticked on screen) before saving a family's details.
#include "client/store/consent_files.hpp"
#include "client/store/paths.hpp"
#include "client/store/store.hpp"

#include <doctest/doctest.h>

namespace zhuxue::test {

inline const store::ConsentText& consentText() {
    static const store::ConsentText text = [] {
        auto t = store::loadCurrentConsentText(assetsDir());
        REQUIRE_MESSAGE(t.ok(), (t.ok() ? std::string() : t.error().key + " " + t.error().detail));
        return *t;
    }();
    return text;
}

inline Consent consentOf(ConsentParty party, const std::string& county, const Uuid& studentId,
                         const Uuid& personId, const std::string& name = "测试") {
    return store::makeConsent(consentText(), "zh-CN", party, county, studentId, personId, name,
                              ConsentMethod::OnScreen, "test");
}

// The student's own consent (covers the student, household, members, assessments, visits).
inline void consentStudent(store::Store& s, const std::string& county, const Uuid& studentId) {
    auto st = s.save(consentOf(ConsentParty::Student, county, studentId, studentId),
                     store::Actor{"test"});
    REQUIRE_MESSAGE(st.ok(), (st.ok() ? std::string() : st.error().key));
}

inline void consentCoBorrower(store::Store& s, const std::string& county, const Uuid& studentId,
                              const Uuid& coBorrowerId) {
    auto st = s.save(consentOf(ConsentParty::CoBorrower, county, studentId, coBorrowerId),
                     store::Actor{"test"});
    REQUIRE_MESSAGE(st.ok(), (st.ok() ? std::string() : st.error().key));
}

// Saves a student after recording the student's consent when none is on file yet (for tests
// whose subject is not consent itself).
inline Status saveConsented(store::Store& s, const Student& student, const store::Actor& who) {
    auto have = s.list<Consent>("student_id", student.id);
    REQUIRE(have.ok());
    if (have->empty())
        consentStudent(s, student.county, student.id);
    return s.save(student, who);
}

} // namespace zhuxue::test
