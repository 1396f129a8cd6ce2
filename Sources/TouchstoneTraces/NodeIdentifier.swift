import TouchstoneIngest

/// A typed id column that can serve as the node of a journey: touchpoints, stages, channels.
public protocol NodeIdentifier: Sendable {
    var rawValue: UInt32 { get }
    init(rawValue: UInt32)
}
extension ActivityID: NodeIdentifier {}
extension StageID: NodeIdentifier {}
extension ChannelID: NodeIdentifier {}
extension AttributeValueID: NodeIdentifier {}
