import XCTest
@testable import TerminalUI
import TrainerProtocol

final class EntryPointTests: XCTestCase {
    /// Under `swift test` stdout is not a terminal (or may be: then this only checks the API).
    func testRefusesWithoutATerminalAndStopsTheEngine() async {
        guard isatty(STDOUT_FILENO) == 0 || isatty(STDIN_FILENO) == 0 else { return }
        XCTAssertEqual(TerminalTrainer.checkTerminal(), "not a terminal: use --headless for scripts")
        let controller = FakeTrainingController()
        let exit = await TerminalTrainer.run(controller: controller, options: TerminalOptions())
        XCTAssertEqual(exit.code, 2)
        XCTAssertTrue(exit.message.contains("--headless"))
        XCTAssertEqual(controller.sent, [.stop])
    }

    func testEventInboxKeepsOrderAcrossThreads() async {
        let inbox = EventInbox()
        await withTaskGroup(of: Void.self) { group in
            group.addTask { for i in 0..<1000 { inbox.push(.warning("a\(i)")) } }
            group.addTask { for i in 0..<1000 { inbox.push(.warning("b\(i)")) } }
        }
        inbox.end()
        let drained = inbox.drain()
        XCTAssertTrue(drained.ended)
        XCTAssertEqual(drained.events.count, 2000)
        let aOrder = drained.events.compactMap { event -> Int? in
            if case .warning(let text) = event, text.hasPrefix("a") { return Int(text.dropFirst()) }
            return nil
        }
        XCTAssertEqual(aOrder, Array(0..<1000))
        XCTAssertEqual(inbox.drain().events.count, 0)
    }

    func testFormats() {
        XCTAssertEqual(Format.duration(59), "0:59")
        XCTAssertEqual(Format.duration(3723), "1:02:03")
        XCTAssertEqual(Format.duration(.infinity), "--:--")
        XCTAssertEqual(Format.number(0.00012), "1.2e-04")
        XCTAssertEqual(Format.number(1.23456), "1.23")
        XCTAssertEqual(Format.number(Double.nan), "NaN")
        XCTAssertEqual(Format.bytes(1536 << 20), "1.5G")
        XCTAssertEqual(Format.bytes(512), "512B")
        XCTAssertEqual(Format.count(1234567), "1,234,567")
    }
}
