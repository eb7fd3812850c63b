// Client-made ids: UUIDv7 for records and changes, the hybrid logical clock, record codes.
#include "client/core/ids.hpp"
#include "client/core/records.hpp"

#include <doctest/doctest.h>
#include <set>
#include <thread>
#include <vector>

using namespace zhuxue;

TEST_CASE("UUIDv7 ids are well formed, increasing and carry the time") {
    std::int64_t before = systemNowMs();
    Uuid prev = newUuidV7();
    CHECK(prev.version() == 7);
    CHECK((prev.bytes[8] & 0xc0) == 0x80);
    CHECK(uuidV7Millis(prev) >= before);
    CHECK(uuidV7Millis(prev) <= systemNowMs());
    for (int i = 0; i < 20000; ++i) {
        Uuid next = newUuidV7();
        REQUIRE(prev < next); // also when thousands are made in one millisecond
        REQUIRE(prev.str() < next.str());
        prev = next;
    }
}

TEST_CASE("UUIDs made on many threads never repeat") {
    std::vector<std::vector<Uuid>> made(4);
    std::vector<std::thread> threads;
    for (auto& v : made)
        threads.emplace_back([&v] {
            for (int i = 0; i < 5000; ++i)
                v.push_back(newUuidV7());
        });
    for (auto& t : threads)
        t.join();
    std::set<Uuid> all;
    for (auto& v : made)
        all.insert(v.begin(), v.end());
    CHECK(all.size() == 20000);
}

TEST_CASE("UUID text form round-trips and rejects malformed text") {
    Uuid id = newUuidV7();
    auto text = id.str();
    CHECK(text.size() == 36);
    CHECK(Uuid::parse(text) == id);
    auto upper = text;
    for (auto& c : upper)
        c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    CHECK(Uuid::parse(upper) == id);
    CHECK_FALSE(Uuid::parse("").has_value());
    CHECK_FALSE(Uuid::parse(text.substr(1)).has_value());
    CHECK_FALSE(Uuid::parse("0190163d-8694-739b-aea5-966c26f8ad9g").has_value());
    CHECK_FALSE(Uuid::parse("0190163d08694-739b-aea5-966c26f8ad91").has_value());
    CHECK(Uuid::parse("00000000-0000-0000-0000-000000000000")->isNil());
    Uuid dev = newDeviceId();
    CHECK(dev.version() == 4);
    CHECK_FALSE(dev.isNil());
}

TEST_CASE("HLC layout and text form") {
    Hlc h = Hlc::make(0x0123456789ab, 0x00cd);
    CHECK(h.millis() == 0x0123456789abULL);
    CHECK(h.counter() == 0xcd);
    CHECK(h.str() == "0123456789ab00cd");
    CHECK(Hlc::parse("0123456789AB00CD") == h);
    CHECK_FALSE(Hlc::parse("0123456789ab00c").has_value());
    CHECK_FALSE(Hlc::parse("0123456789ab00cx").has_value());
    CHECK(Hlc::make(1, 0) > Hlc::make(0, 0xffff));
}

TEST_CASE(
    "HLC send: wall clock wins when ahead, counter counts when it stands still or goes back") {
    std::int64_t now = 1000;
    HlcClock clock([&] { return now; });
    CHECK(clock.send() == Hlc::make(1000, 0));
    CHECK(clock.send() == Hlc::make(1000, 1));
    now = 900; // clock stepped back: stamps keep increasing
    CHECK(clock.send() == Hlc::make(1000, 2));
    now = 2000;
    CHECK(clock.send() == Hlc::make(2000, 0));
}

TEST_CASE("HLC receive: the next stamp is above both clocks") {
    std::int64_t now = 1000;
    HlcClock clock([&] { return now; });
    clock.send(); // (1000,0)
    // A device whose clock runs ahead.
    CHECK(clock.receive(Hlc::make(5000, 7)) == Hlc::make(5000, 8));
    CHECK(clock.send() == Hlc::make(5000, 9));
    // Equal millis on both sides: the larger counter plus one.
    CHECK(clock.receive(Hlc::make(5000, 20)) == Hlc::make(5000, 21));
    // An old remote stamp only bumps the local counter.
    CHECK(clock.receive(Hlc::make(10, 3)) == Hlc::make(5000, 22));
    // Wall clock ahead of both.
    now = 9000;
    CHECK(clock.receive(Hlc::make(6000, 3)) == Hlc::make(9000, 0));
}

TEST_CASE("HLC counter overflow moves to the next millisecond") {
    HlcClock clock([] { return std::int64_t{1}; }, Hlc::make(1, 0xfffe));
    CHECK(clock.send() == Hlc::make(1, 0xffff));
    CHECK(clock.send() == Hlc::make(2, 0));
    HlcClock other([] { return std::int64_t{1}; });
    CHECK(other.receive(Hlc::make(1, 0xffff)) == Hlc::make(2, 0));
    other.observe(Hlc::make(100, 5));
    CHECK(other.last() == Hlc::make(100, 5));
    other.observe(Hlc::make(50, 5));
    CHECK(other.last() == Hlc::make(100, 5));
}

TEST_CASE("record codes are stable and round-trip") {
    CHECK(toCode(RecordType::LoanApplication) == "loan_application");
    CHECK(toCode(LoanStatus::CertificateIssued) == "certificate_issued");
    CHECK(fromCode<LoanStatus>("in_study") == LoanStatus::InStudy);
    CHECK_FALSE(fromCode<LoanStatus>("bogus").has_value());
    for (int i = 0; i <= static_cast<int>(RecordType::AuditEntry); ++i) {
        auto t = static_cast<RecordType>(i);
        CHECK(fromCode<RecordType>(toCode(t)) == t);
    }
    for (int i = 0; i <= static_cast<int>(LoanStatus::Withdrawn); ++i) {
        auto s = static_cast<LoanStatus>(i);
        CHECK(fromCode<LoanStatus>(toCode(s)) == s);
    }
}

TEST_CASE("loan life cycle follows DOMAIN.md section 2") {
    using S = LoanStatus;
    CHECK(canTransition(S::PreApplication, S::Applied));
    CHECK(canTransition(S::Applied, S::MaterialsChecked));
    CHECK(canTransition(S::ContractPreSigned, S::CertificateIssued));
    CHECK(canTransition(S::Grace, S::Repaying));
    CHECK(canTransition(S::Repaying, S::Overdue));
    CHECK(canTransition(S::Overdue, S::Repaying));
    CHECK(canTransition(S::Repaying, S::Closed));
    CHECK(canTransition(S::InStudy, S::Closed)); // early repayment
    CHECK(canTransition(S::MaterialsChecked, S::Rejected));
    CHECK_FALSE(canTransition(S::Applied, S::ContractPreSigned)); // materials not checked
    CHECK_FALSE(canTransition(S::Disbursed, S::Withdrawn));
    CHECK_FALSE(canTransition(S::Closed, S::Repaying));
    CHECK_FALSE(canTransition(S::Applied, S::Applied));
    CHECK_FALSE(canTransition(S::Applied, S::Closed));
}

TEST_CASE("after graduation: overdue, further study and principal deferral (issue #20.16)") {
    using S = LoanStatus;
    // Interest falls due in the graduation year and in grace as well as while repaying, so each
    // of the three can become overdue; nothing before graduation can (interest is subsidised).
    for (S from : {S::GraduationConfirmed, S::Grace, S::Repaying}) {
        CAPTURE(toCode(from));
        CHECK(canTransition(from, S::Overdue));
        // ... and goes back exactly where it came from once paid.
        for (S back : {S::GraduationConfirmed, S::Grace, S::Repaying})
            CHECK(canTransition(S::Overdue, back, from) == (back == from));
        CHECK(canTransition(S::Overdue, S::Closed, from)); // settled in full
        CHECK_FALSE(canTransition(S::Overdue, S::InStudy, from));
    }
    for (S early : {S::Disbursed, S::InStudy, S::BankApproved, S::Applied})
        CHECK_FALSE(canTransition(early, S::Overdue));
    // Without the history at hand, any of the three is a possible return.
    CHECK(canTransition(S::Overdue, S::Grace));
    CHECK(canTransition(S::Overdue, S::GraduationConfirmed));
    CHECK_FALSE(canTransition(S::Overdue, S::InStudy));

    // 继续攻读: a graduate going on to further study is in study again.
    CHECK(canTransition(S::GraduationConfirmed, S::InStudy));
    CHECK(canTransition(S::Grace, S::InStudy));
    CHECK(canTransition(S::InStudy, S::GraduationConfirmed)); // and graduates again later
    CHECK_FALSE(canTransition(S::Closed, S::InStudy));

    // 本金延期: a principal deferral takes a repaying loan back to interest only (grace).
    CHECK(canTransition(S::Repaying, S::Grace));
    CHECK(canTransition(S::Grace, S::Repaying)); // deferral over
    CHECK_FALSE(canTransition(S::Closed, S::Grace));
    CHECK_FALSE(canTransition(S::InStudy, S::Grace)); // not before graduation is confirmed
}

TEST_CASE("the status an overdue loan came from is the last change into Overdue") {
    using S = LoanStatus;
    auto change = [](S from, S to, UnixMs at) {
        StatusChange c;
        c.from = from;
        c.to = to;
        c.atMs = at;
        return c;
    };
    CHECK_FALSE(statusBeforeOverdue({}).has_value());
    CHECK_FALSE(statusBeforeOverdue({change(S::InStudy, S::GraduationConfirmed, 1)}).has_value());
    // Overdue in grace, back to grace, repaying, overdue again: it returns to repaying.
    std::vector<StatusChange> h{change(S::GraduationConfirmed, S::Grace, 10),
                                change(S::Grace, S::Overdue, 20), change(S::Overdue, S::Grace, 30),
                                change(S::Grace, S::Repaying, 40),
                                change(S::Repaying, S::Overdue, 50)};
    CHECK(statusBeforeOverdue(h) == S::Repaying);
    // Synced history may arrive out of order: time decides, not position.
    std::swap(h[1], h[4]);
    CHECK(statusBeforeOverdue(h) == S::Repaying);
}
