/// Hands out a fixed set of numbered slots (palette entries, colour pairs) to keys, frame
/// by frame, least recently used first.
///
/// Each frame plans all its keys at once: keys that already own a slot keep it, new keys
/// take slots that no key of *this* frame uses (oldest first), and what doesn't fit
/// overflows for the caller to approximate. Redefining only slots absent from the frame
/// means no cell that stays on screen changes colour under the user's eyes.
struct SlotAllocator<Key: Hashable> {
    struct Plan {
        /// Slots to (re)define before drawing, with their new key.
        var definitions: [(slot: Int, key: Key)] = []
        /// The slot of every key that got one.
        var slots: [Key: Int] = [:]
        /// Keys that found no free slot.
        var overflow: [Key] = []
    }

    let slotNumbers: [Int]
    /// Slots never handed out, lowest last (taken first without any search).
    private var neverUsed: [Int]
    private var owner: [Int: Key] = [:]
    private var slotOf: [Key: Int] = [:]
    private var lastUsed: [Int: UInt64] = [:]
    private var frame: UInt64 = 0

    init(slots: [Int]) {
        slotNumbers = slots
        neverUsed = slots.reversed()
    }

    /// `requests` maps each key of the frame to how often it occurs; frequent new keys get
    /// slots first.
    mutating func plan(_ requests: [Key: Int]) -> Plan {
        frame += 1
        var plan = Plan()
        var newKeys: [(key: Key, count: Int)] = []
        for (key, count) in requests {
            if let slot = slotOf[key] {
                plan.slots[key] = slot
                lastUsed[slot] = frame
            } else {
                newKeys.append((key, count))
            }
        }
        guard !newKeys.isEmpty else { return plan }
        newKeys.sort { $0.count > $1.count }
        // Only once every slot has been used is there a search for the least recently used.
        var evictable: [Int]?
        for (key, _) in newKeys {
            var slot = neverUsed.popLast()
            if slot == nil {
                if evictable == nil {
                    evictable = owner.keys.filter { lastUsed[$0] != frame }
                        .sorted { (lastUsed[$0] ?? 0, $0) > (lastUsed[$1] ?? 0, $1) }  // LRU last
                }
                slot = evictable?.popLast()
            }
            guard let slot else {
                plan.overflow.append(key)
                continue
            }
            if let previous = owner[slot] { slotOf[previous] = nil }
            owner[slot] = key
            slotOf[key] = slot
            lastUsed[slot] = frame
            plan.slots[key] = slot
            plan.definitions.append((slot, key))
        }
        return plan
    }

    /// The key a slot currently holds.
    func key(of slot: Int) -> Key? { owner[slot] }
}
