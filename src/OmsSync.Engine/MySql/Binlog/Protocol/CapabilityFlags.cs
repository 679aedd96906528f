namespace OmsSync.Engine.MySql.Binlog.Protocol;

/// <summary>Client/server capability bits of the handshake.</summary>
[Flags]
internal enum CapabilityFlags : uint
{
    LongPassword = 0x1,
    FoundRows = 0x2,
    LongFlag = 0x4,
    ConnectWithDb = 0x8,
    Protocol41 = 0x200,
    Ssl = 0x800,
    Transactions = 0x2000,
    SecureConnection = 0x8000,
    MultiStatements = 0x10000,
    MultiResults = 0x20000,
    PluginAuth = 0x80000,
    ConnectAttributes = 0x100000,
    PluginAuthLengthEncodedClientData = 0x200000,
    DeprecateEof = 0x1000000,
}
