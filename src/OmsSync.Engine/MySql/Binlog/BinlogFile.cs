namespace OmsSync.Engine.MySql.Binlog;

/// <summary>One binary log file the server still has (SHOW BINARY LOGS).</summary>
public sealed record BinlogFile(string Name, long Size);
