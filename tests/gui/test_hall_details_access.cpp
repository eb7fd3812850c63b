// Staff receive what a family entered at the kiosk, on a real zhuxue-server: the kiosk seals the
// details to the server's key (SealedOutbox, as KioskClient does) and hands them in with its
// ticket; a staff device of the kiosk's county calls the ticket and reads them; a device of
// another county is refused (403); every read is audited without content. No window: it sits
// with the GUI tests because the kiosk's and staff's queue clients live in the UI libraries,
// which the sanitizer build (ZHUXUE_BUILD_GUI off) does not build.
#include "client/ui/hall/queue_client.hpp"
#include "client/ui/kiosk/sealed_outbox.hpp"
#include "sync/engine/sync_client.hpp"
#include "tests/support/requirements.hpp"
#include "tests/support/process.hpp"
#include "tests/support/role_enroll.hpp"
#include "tests/support/sync_fixture.hpp"
#include "tests/support/temp_dir.hpp"

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

using namespace zhuxue;
using namespace zhuxue::test;
using namespace std::chrono_literals;

namespace {

ui::hall::HallLink link(ServerProcess& s, const std::string& county, int n, const char* name) {
    char dev[64];
    std::snprintf(dev, sizeof dev, "0190bbbb-0000-4000-8000-%012d", n);
    auto r = sync::SyncClient(s.url()).enroll(s.enrollCode(county), dev, name);
    REQUIRE(r.ok());
    return {s.url(), dev, r->token};
}

// A kiosk, enrolled with a code made for a kiosk on the server's storage (`db` "" = SQLite).
ui::hall::HallLink kioskLink(ServerProcess& s, const std::filesystem::path& serverDir, const std::string& db,
                             int n) {
    char dev[64];
    std::snprintf(dev, sizeof dev, "0190bbbb-0000-4000-8000-%012d", n);
    auto r = sync::SyncClient(s.url()).enroll(roleEnrollCode(serverDir, db, "420527", "kiosk").code, dev, "自助机",
                                              sync::DeviceRole::Kiosk);
    REQUIRE(r.ok());
    return {s.url(), dev, r->token};
}

// What KioskClient::sealDetails hands in for a ticket.
nlohmann::json familyOf(const ui::hall::HallTicket& t) {
    return {{"service", t.service},
            {"township", "420527102"},
            {"student", {{"name", "龚𪚥"}, {"id_number", "420527200703150016"}, {"phone", "13800138000"}}},
            {"co_borrower", {{"name", "龚德芳"}, {"id_number", "420527197506120024"}, {"phone", "13900139000"}}},
            {"consent", {{"version", "2025.1"}, {"student_at", 1}, {"co_borrower_at", 2}}},
            {"submitted_at", 1750000000000},
            {"ticket_id", t.id},
            {"code", t.code}};
}

// The kiosk hands in a family's details; staff of its county read them, another county cannot.
void familyDetailsOn(ServerProcess& s, const TempDir& tmp, const std::string& db = {}) {
    ui::hall::QueueClient kiosk(kioskLink(s, tmp / "server", db, 1));
    ui::hall::QueueClient staff(link(s, "420527", 2, "秭归窗口"));
    ui::hall::QueueClient other(link(s, "420528", 3, "兴山窗口"));

    auto ticket = kiosk.issue("0190cccc-0000-7000-8000-000000000001", "first_loan", "420527102");
    REQUIRE(ticket.ok());
    auto bare = kiosk.issue("0190cccc-0000-7000-8000-000000000002", "first_loan", "");
    REQUIRE(bare.ok());

    ui::kiosk::SealedOutbox outbox(tmp / "kiosk");
    std::string key = outbox.sealKey(&kiosk);
    REQUIRE(key.size() == 64);
    std::string plain = familyOf(*ticket).dump();
    REQUIRE(outbox.add("0190cccc-0000-7000-8000-0000000000a1", plain, key).ok());
    CHECK(plain.empty()); // the kiosk keeps no plaintext
    CHECK(outbox.flush(kiosk) == 1);

    // The window calls the number and gets the family's details.
    auto called = staff.act(1, "next");
    REQUIRE(called.ok());
    REQUIRE(called->has_value());
    CHECK((*called)->code == ticket->code);
    auto details = staff.familyDetails((*called)->id);
    REQUIRE(details.ok());
    REQUIRE(details->has_value());
    const auto& d = **details;
    CHECK(d.studentName == "龚𪚥");
    CHECK(d.studentId == "420527200703150016");
    CHECK(d.coName == "龚德芳");
    CHECK(d.coPhone == "13900139000");
    CHECK(d.service == "first_loan");
    CHECK(d.code == ticket->code);

    // A time booked at the kiosk: staff open it from today's list by the appointment's id.
    auto slots = kiosk.slots("420527200");
    REQUIRE(slots.ok());
    REQUIRE_FALSE(slots->empty());
    auto booked = kiosk.book("0190cccc-0000-7000-8000-000000000003", "renewal", "420527200", (*slots)[0].day, "09:00");
    REQUIRE(booked.ok());
    ui::hall::HallTicket asTicket;
    asTicket.id = booked->id;
    asTicket.code = booked->code;
    asTicket.service = "renewal";
    std::string forBooking = familyOf(asTicket).dump();
    REQUIRE(outbox.add("0190cccc-0000-7000-8000-0000000000a2", forBooking, key).ok());
    CHECK(outbox.flush(kiosk) == 1);
    auto byAppointment = staff.familyDetails(booked->id);
    REQUIRE(byAppointment.ok());
    REQUIRE(byAppointment->has_value());
    CHECK((*byAppointment)->service == "renewal");
    CHECK((*byAppointment)->code == booked->code);

    // A ticket taken without details: nothing to show, not an error.
    auto none = staff.familyDetails(bare->id);
    REQUIRE(none.ok());
    CHECK_FALSE(none->has_value());

    // Another county's device is refused, with a key the client can explain.
    auto refused = other.familyDetails(ticket->id);
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.error().key == "hall.error.submission_out_of_scope");
    CHECK(refused.error().args.at("status") == "403");

    auto logged = [&](const std::string& needle) {
        return waitUntil([&] { return s.process().stderrText().find(needle) != std::string::npos; }, 5s);
    };
    CHECK(logged("audit submission device=0190bbbb-0000-4000-8000-000000000002 ticket=" + ticket->id + " read"));
    CHECK(logged("audit submission device=0190bbbb-0000-4000-8000-000000000003 ticket=" + ticket->id + " refused"));
    CHECK(logged("ticket=" + bare->id + " none"));
    const std::string log = s.process().stderrText();
    CHECK(log.find("龚") == std::string::npos); // no content in the log
    CHECK(log.find("420527200703150016") == std::string::npos);
}

} // namespace

TEST_CASE("staff of the kiosk's county read a called ticket's kiosk details; another county gets 403") {
    TempDir tmp("zhuxue-family-details");
    ServerProcess s(tmp / "server");
    familyDetailsOn(s, tmp);
}

TEST_CASE("kiosk details on PostgreSQL: the same scope, reads and audit") {
    std::string whyNot;
    auto pg = PostgresInstance::start(whyNot);
    if (!pg) {
        cannotRun("PostgreSQL: " + whyNot);
        return;
    }
    TempDir tmp("zhuxue-family-details-pg");
    ServerProcess s(tmp / "server", pg->url());
    familyDetailsOn(s, tmp, pg->url());
}

TEST_CASE("submissions stored before counties were kept are upgraded in place and stay closed") {
    TempDir tmp("zhuxue-family-upgrade");
    std::filesystem::create_directories(tmp / "server");
    auto db = (tmp / "server" / "zhuxue-server.sqlite").string();
    auto [rc, out] = runShell(
        "sqlite3 '" + db +
        "' \"CREATE TABLE queue_submissions(id TEXT PRIMARY KEY, day TEXT NOT NULL, device TEXT NOT NULL, "
        "received_at BIGINT NOT NULL, payload TEXT NOT NULL); INSERT INTO queue_submissions VALUES('s1', "
        "'2026-01-05', 'k', 1, '{\\\"ticket_id\\\":\\\"0190cccc-0000-7000-8000-000000000009\\\","
        "\\\"student\\\":{\\\"name\\\":\\\"旧\\\"}}')\"");
    REQUIRE_MESSAGE(rc == 0, out);
    ServerProcess s(tmp / "server");
    ui::hall::QueueClient staff(link(s, "420527", 4, "秭归窗口"));
    // Found by its ticket, but its kiosk's county was never recorded: nobody may read it.
    auto r = staff.familyDetails("0190cccc-0000-7000-8000-000000000009");
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().key == "hall.error.submission_out_of_scope");
    auto [rc2, rows] = runShell("sqlite3 '" + db + "' 'SELECT id, ticket_id, payload FROM queue_submissions'");
    REQUIRE(rc2 == 0);
    CHECK(rows.find("s1|0190cccc-0000-7000-8000-000000000009|") != std::string::npos);
    CHECK(rows.find("旧") != std::string::npos); // nothing lost
}
