// Each kiosk journey walked by the driver against a real zhuxue-server: first loan to a queue
// ticket, renewal to a booked slot, just asking, the validation a family sees, masking of ID
// numbers, and tickets issued by the kiosk itself while the server is down.
#include "kiosk_fixture.hpp"

#include "client/ui/kiosk/offline_tickets.hpp"

using namespace zhuxue;
using namespace zhuxue::test;
using ui::kiosk::Step;

namespace {
const std::string kStudentId = validId("42052720060101001");
const std::string kCoId = validId("42052719750305002");
} // namespace

TEST_CASE("first loan: policy card, eligibility, details, materials, a ticket for windows 1-3") {
    KioskFixture f;
    f.click("##kiosk.choose.first_loan");
    CHECK(f.kiosk->step() == Step::Card);
    // The card comes from the policy data in force today (since 2025-05-20: ¥20,000 cap, 2.80%),
    // the spread and the base in words from the data too (2024.json: LPR − 70 bp;
    // base_rates.json: 5-year LPR 3.50% since 2025-05-20).
    CHECK(f.showsAnywhere("20000"));
    CHECK(f.showsAnywhere("2.80%"));
    CHECK(f.showsAnywhere("比同期LPR低0.7个百分点"));
    CHECK(f.showsAnywhere("现在的LPR是 3.50%"));
    f.click("##kiosk.next");
    CHECK(f.kiosk->step() == Step::EligLocal);
    f.click("##kiosk.answer.yes");
    f.click("##kiosk.answer.yes");
    CHECK(f.kiosk->step() == Step::EligOtherLoan);
    f.click("##kiosk.answer.no");
    // Consent before any detail: both the student and the co-borrower accept the text.
    CHECK(f.kiosk->step() == Step::Consent);
    CHECK(f.showsAnywhere("撤回同意"));
    f.click("##kiosk.consent.student");
    f.click("##kiosk.next");
    CHECK(f.kiosk->step() == Step::Consent); // the co-borrower has not accepted yet
    CHECK(f.showsAnywhere("都点“同意”"));
    f.click("##kiosk.consent.co");
    CHECK(f.kiosk->draft().studentConsentMs > 0);
    CHECK(f.kiosk->draft().coConsentMs > 0);
    CHECK(f.kiosk->draft().consentSha256.size() == 64);
    CHECK_FALSE(f.kiosk->draft().consentVersion.empty());
    f.click("##kiosk.next");
    CHECK(f.kiosk->step() == Step::StudentName);

    f.typeName("向秭归");
    CHECK(f.kiosk->step() == Step::StudentId);
    // A wrong check character: the staff client's message, and the family stays on this step.
    std::string wrong = kStudentId.substr(0, 17) + (kStudentId[17] == '1' ? "2" : "1");
    f.keypadType(wrong);
    f.click("##kiosk.next");
    CHECK(f.kiosk->step() == Step::StudentId);
    CHECK(f.showsAnywhere("校验码"));
    f.click("##kp.clear");
    f.keypadType(kStudentId);
    f.click("##kiosk.next");
    CHECK(f.kiosk->step() == Step::StudentPhone);
    f.expectHidden(kStudentId); // masked from now on
    f.keypadType("1380013800");
    f.click("##kiosk.next");
    CHECK(f.kiosk->step() == Step::StudentPhone); // 10 digits
    f.keypadType("0");
    f.click("##kiosk.next");
    CHECK(f.kiosk->step() == Step::CoName);

    // Back to the ID: it shows masked (first 6 + last 4), never the whole number.
    f.click("##kiosk.back");
    f.click("##kiosk.back");
    CHECK(f.kiosk->step() == Step::StudentId);
    CHECK(f.showsAnywhere("420527********" + kStudentId.substr(14)));
    f.expectHidden(kStudentId);
    f.click("##kiosk.next");
    f.click("##kiosk.next");
    CHECK(f.kiosk->step() == Step::CoName);

    f.typeName("向大山");
    // The student cannot be their own co-borrower.
    f.keypadType(kStudentId);
    f.click("##kiosk.next");
    CHECK(f.kiosk->step() == Step::CoId);
    f.click("##kp.clear");
    f.keypadType(kCoId);
    f.click("##kiosk.next");
    CHECK(f.kiosk->step() == Step::CoPhone);
    f.keypadType("13912345678");
    f.click("##kiosk.next");
    CHECK(f.kiosk->step() == Step::Materials);
    CHECK(f.showsAnywhere("录取通知书"));
    f.expectHidden(kCoId);
    f.click("##kiosk.next");
    CHECK(f.kiosk->step() == Step::Take);
    f.click("##kiosk.take.now");
    REQUIRE(f.d->frameUntil([&] { return f.kiosk->step() == Step::Ticket; }));
    f.d->frame(2);
    REQUIRE(f.kiosk->ticket().has_value());
    CHECK(f.kiosk->ticket()->code == "A001");
    CHECK_FALSE(f.kiosk->ticketIsLocal());
    CHECK(f.showsAnywhere("A001"));
    CHECK(f.showsAnywhere("1、2、3"));
    f.expectHidden(kStudentId);
    f.expectHidden(kCoId);

    // The details reached the staff's server sealed: the server opened and stored them with the
    // number; the kiosk's folder holds nothing readable of the family and nothing left to send.
    CHECK(f.kiosk->detailsSealed());
    CHECK(f.showsAnywhere("已加密交给工作人员"));
    auto [rc, out] = runShell("sqlite3 '" + (f.dir / "server" / "zhuxue-server.sqlite").string() +
                              "' 'SELECT payload FROM queue_submissions'");
    REQUIRE(rc == 0);
    CHECK(out.find("向秭归") != std::string::npos);
    CHECK(out.find(kCoId) != std::string::npos);
    CHECK(out.find("A001") != std::string::npos);
    CHECK(ui::kiosk::SealedOutbox(f.dir / "kiosk").pendingIds().empty());
    for (const auto& e : std::filesystem::recursive_directory_iterator(f.dir / "kiosk")) {
        if (!e.is_regular_file())
            continue;
        std::ifstream in(e.path(), std::ios::binary);
        std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        CHECK_MESSAGE(bytes.find(kStudentId) == std::string::npos, e.path());
        CHECK_MESSAGE(bytes.find("向秭归") == std::string::npos, e.path());
    }

    // The ticket is in the hall's queue: window 2 calls it.
    ui::hall::QueueClient staff(linkDevice(*f.server, f.dir / "staff", 2));
    auto called = staff.act(2, "next");
    REQUIRE(called.ok());
    REQUIRE(called->has_value());
    CHECK((*called)->code == "A001");

    // Done: back to the start with nothing of this family left.
    f.click("##kiosk.ticket.done");
    CHECK(f.kiosk->step() == Step::Choose);
    CHECK(f.kiosk->holdsNothing());
}

TEST_CASE("an eligibility answer that stops the application is not a dead end") {
    KioskFixture f;
    f.click("##kiosk.choose.first_loan");
    f.click("##kiosk.next");
    f.click("##kiosk.answer.no"); // hukou not in this county
    CHECK(f.kiosk->step() == Step::EligLocal);
    CHECK(f.showsAnywhere("户口所在"));
    f.click("##kiosk.to_enquiry");
    CHECK(f.kiosk->step() == Step::Take);
    f.click("##kiosk.take.now");
    REQUIRE(f.d->frameUntil([&] { return f.kiosk->step() == Step::Ticket; }));
    CHECK(f.kiosk->ticket()->code == "D001");
}

TEST_CASE("renewal: book a time slot for the family's township") {
    KioskFixture f;
    f.click("##kiosk.choose.renewal");
    f.click("##kiosk.next");
    CHECK(f.kiosk->step() == Step::Consent);
    CHECK_FALSE(f.d->exists("##kiosk.consent.co")); // a renewal asks no co-borrower details here
    f.click("##kiosk.consent.student");
    f.click("##kiosk.next");
    f.typeName("谭雨欣");
    f.keypadType(kStudentId);
    f.click("##kiosk.next");
    f.keypadType("13800138000");
    f.click("##kiosk.next");
    CHECK(f.kiosk->step() == Step::Materials);
    f.click("##kiosk.next");
    f.click("##kiosk.take.book");
    CHECK(f.kiosk->step() == Step::Township);
    CHECK(f.showsAnywhere("水田坝乡"));
    f.click("##kiosk.township.420527200");
    REQUIRE(f.d->frameUntil([&] { return !f.kiosk->busy() && f.d->exists("##kiosk.time.09:00"); }));
    f.click("##kiosk.time.09:00");
    REQUIRE(f.d->frameUntil([&] { return f.kiosk->step() == Step::Ticket; }));
    f.d->frame(2);
    REQUIRE(f.kiosk->appointment().has_value());
    CHECK(f.kiosk->appointment()->code == "Y001");
    CHECK(f.kiosk->appointment()->time == "09:00");
    CHECK(f.showsAnywhere("09:00"));
    // Staff see it in that day's list.
    ui::hall::QueueClient staff(linkDevice(*f.server, f.dir / "staff", 3));
    auto list = staff.appointments(f.kiosk->appointment()->day);
    REQUIRE(list.ok());
    REQUIRE(list->size() == 1);
    CHECK((*list)[0].township == "420527200");
    CHECK((*list)[0].service == "renewal");
}

TEST_CASE("just asking: policy card, then a number for the enquiry windows") {
    KioskFixture f;
    f.click("##kiosk.choose.enquiry");
    f.click("##kiosk.next");
    CHECK(f.kiosk->step() == Step::Materials);
    f.click("##kiosk.next");
    CHECK_FALSE(f.d->exists("##kiosk.take.book"));
    f.click("##kiosk.take.now");
    REQUIRE(f.d->frameUntil([&] { return f.kiosk->step() == Step::Ticket; }));
    CHECK(f.kiosk->ticket()->code == "D001");
    CHECK(f.showsAnywhere("4、5"));
}

TEST_CASE("just asking, by keys only: Tab walks the kiosk's buttons in order, Enter and Space press") {
    KioskFixture f;
    auto& d = *f.d;
    auto focusedOn = [&](const std::string& id) { return d.focused().find(id) != std::string::npos; };
    // Tab until the button has keyboard focus (a screen's stops: 员工 at the top, then the step's).
    auto tabTo = [&](const std::string& id) {
        for (int i = 0; i < 30 && !focusedOn(id); ++i)
            d.press(ImGuiKey_Tab);
        REQUIRE_MESSAGE(focusedOn(id), "focused: ", d.focused(), "\n", d.describe());
    };
    tabTo("##kiosk.choose.first_loan");
    d.press(ImGuiKey_Tab);
    CHECK(focusedOn("##kiosk.choose.renewal"));
    d.press(ImGuiKey_Tab);
    CHECK(focusedOn("##kiosk.choose.repayment"));
    d.press(ImGuiKey_Tab);
    CHECK(focusedOn("##kiosk.choose.enquiry"));
    d.press(ImGuiKey_Tab, false, true); // Shift+Tab goes back one
    CHECK(focusedOn("##kiosk.choose.repayment"));
    d.press(ImGuiKey_Tab);
    REQUIRE(focusedOn("##kiosk.choose.enquiry"));
    d.press(ImGuiKey_Enter);
    d.frame(2);
    REQUIRE(f.kiosk->step() == Step::Card);

    tabTo("##kiosk.next"); // past 返回 on the policy card
    d.press(ImGuiKey_Enter);
    d.frame(2);
    REQUIRE(f.kiosk->step() == Step::Materials);
    tabTo("##kiosk.next");
    d.press(ImGuiKey_Enter);
    d.frame(2);
    REQUIRE(f.kiosk->step() == Step::Take);
    CHECK_FALSE(d.exists("##kiosk.take.book"));
    tabTo("##kiosk.take.now");
    d.press(ImGuiKey_Space);
    REQUIRE(d.frameUntil([&] { return f.kiosk->step() == Step::Ticket; }));
    CHECK(f.kiosk->ticket()->code == "D001");
    d.frame(2);
    tabTo("##kiosk.ticket.done");
    d.press(ImGuiKey_Enter);
    d.frame(2);
    CHECK(f.kiosk->step() == Step::Choose);
    CHECK(f.kiosk->holdsNothing());
}

TEST_CASE("server down: the family's details wait sealed on the kiosk and reach staff later") {
    // The kiosk met its server once (it knows the seal key), then the server went away.
    KioskFixture f;
    REQUIRE(ui::kiosk::SealedOutbox(f.dir / "kiosk").sealKey(nullptr).empty());
    {
        ui::hall::QueueClient client(f.link);
        CHECK_FALSE(ui::kiosk::SealedOutbox(f.dir / "kiosk").sealKey(&client).empty());
    }
    f.server->stop();
    f.renewalWithDetails("屈亮", kStudentId, "13800138000");
    REQUIRE(f.kiosk->step() == Step::Materials);
    f.click("##kiosk.next");
    f.click("##kiosk.take.now");
    REQUIRE(f.d->frameUntil([&] { return f.kiosk->step() == Step::Ticket; }, std::chrono::seconds(15)));
    CHECK(f.kiosk->ticketIsLocal());
    CHECK(f.kiosk->detailsSealed());
    ui::kiosk::SealedOutbox outbox(f.dir / "kiosk");
    REQUIRE(outbox.pendingIds().size() == 1);
    // Only the sealed bytes are on disk.
    std::ifstream in(f.dir / "kiosk" / "kiosk_outbox" / (outbox.pendingIds()[0] + ".sealed"), std::ios::binary);
    std::string sealed((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    CHECK(sealed.size() > 48);
    CHECK(sealed.find("屈亮") == std::string::npos);
    CHECK(sealed.find(kStudentId) == std::string::npos);
    f.click("##kiosk.ticket.done");
    CHECK(f.kiosk->holdsNothing());

    // The server is back: the outbox drains once, and staff's server has the details.
    f.server->start();
    ui::hall::QueueClient client(f.link);
    CHECK(outbox.flush(client) == 1);
    CHECK(outbox.pendingIds().empty());
    CHECK(outbox.flush(client) == 0);
    auto [rc, out] = runShell("sqlite3 '" + (f.dir / "server" / "zhuxue-server.sqlite").string() +
                              "' 'SELECT payload FROM queue_submissions'");
    REQUIRE(rc == 0);
    CHECK(out.find("屈亮") != std::string::npos);
    CHECK(out.find("K1-") != std::string::npos);
}

TEST_CASE("a kiosk that never reached its server keeps no details and says to tell staff") {
    KioskFixture f(false);
    f.renewalWithDetails("屈亮", kStudentId, "13800138000");
    f.click("##kiosk.next");
    f.click("##kiosk.take.now");
    REQUIRE(f.d->frameUntil([&] { return f.kiosk->step() == Step::Ticket; }, std::chrono::seconds(15)));
    CHECK_FALSE(f.kiosk->detailsSealed());
    CHECK(f.showsAnywhere("把信息告诉工作人员"));
    CHECK(ui::kiosk::SealedOutbox(f.dir / "kiosk").pendingIds().empty());
}

TEST_CASE("server down: the kiosk issues its own number and hands it in later") {
    KioskFixture f(false);
    f.click("##kiosk.choose.repayment");
    f.click("##kiosk.next");
    // Not agreeing is allowed: no details are asked, the family gives them at the window.
    CHECK(f.kiosk->step() == Step::Consent);
    f.click("##kiosk.consent.decline");
    CHECK(f.kiosk->step() == Step::Materials);
    CHECK(f.kiosk->draft().studentName.empty());
    CHECK(f.kiosk->draft().studentConsentMs == 0);
    f.click("##kiosk.next");
    f.click("##kiosk.take.now");
    REQUIRE(f.d->frameUntil([&] { return f.kiosk->step() == Step::Ticket; }, std::chrono::seconds(15)));
    REQUIRE(f.kiosk->ticket().has_value());
    CHECK(f.kiosk->ticket()->code == "K1-C001");
    CHECK(f.kiosk->ticketIsLocal());
    CHECK(f.showsAnywhere("K1-C001"));

    // The pending file names the number only, nothing of the family.
    ui::kiosk::OfflineTickets offline(f.dir / "kiosk", "K1");
    REQUIRE(offline.pending().size() == 1);
    std::ifstream in(f.dir / "kiosk" / "kiosk_tickets.json");
    std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    CHECK(content.find("屈亮") == std::string::npos);
    CHECK(content.find(kStudentId) == std::string::npos);

    // The server comes back: reconciling hands the ticket in once, with its code and place.
    ServerProcess server(f.dir / "server");
    ui::hall::QueueClient client(linkDevice(server, f.dir / "kiosk2", 4));
    CHECK(offline.reconcile(client) == 1);
    CHECK(offline.pending().empty());
    CHECK(offline.reconcile(client) == 0);
    auto tickets = client.tickets();
    REQUIRE(tickets.ok());
    REQUIRE(tickets->size() == 1);
    CHECK((*tickets)[0].code == "K1-C001");
    auto called = client.act(5, "next");
    REQUIRE(called.ok());
    REQUIRE(called->has_value());
    CHECK((*called)->code == "K1-C001");
}
