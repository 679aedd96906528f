using OmsSync.Engine.Changes.Spill;
using OmsSync.Engine.Changes;
using System.Runtime.CompilerServices;

namespace OmsSync.Engine.MySql.Binlog;

/// <summary>
/// Reads a MySQL or MariaDB binlog as a replica and yields whole source transactions in commit
/// order, DDLs as their own items, and heartbeats that advance the position of an idle stream.
/// Every position it yields is a transaction boundary, safe to resume from.
/// </summary>
public sealed class BinlogTransactionReader
{
    private readonly BinlogConnectionOptions _options;
    private readonly IBinlogSchemaProvider? _schemas;

    /// <param name="schemas">Supplies column names, signedness and charsets the binlog does not carry; null decodes with the binlog's metadata alone.</param>
    /// <param name="includeTable">Which tables' rows to decode (database, table); rows of other tables are skipped. Null decodes all.</param>
    /// <param name="spill">How much memory the transactions read and not yet disposed may hold, and where rows past that wait; null for <see cref="TransactionSpillOptions.Default"/>.</param>
    public BinlogTransactionReader(BinlogConnectionOptions options, IBinlogSchemaProvider? schemas = null, Func<string, string, bool>? includeTable = null,
        TransactionSpillOptions? spill = null)
    {
        _options = options;
        _schemas = schemas;
        _includeTable = includeTable;
        _spill = spill;
    }

    private readonly Func<string, string, bool>? _includeTable;
    private readonly TransactionSpillOptions? _spill;

    /// <summary>The flavor of the server last connected to.</summary>
    public BinlogServerFlavor? Flavor { get; private set; }

    /// <summary>
    /// Streams transactions from <paramref name="start"/> until cancelled. Dispose each transaction once done with it:
    /// transactions not disposed keep their share of the memory budget, and later ones spill sooner. Throws
    /// <see cref="BinlogServerException"/> (with <see cref="BinlogServerException.IsBinlogUnavailable"/>
    /// when the start position is purged or unknown), <see cref="BinlogChecksumException"/> on a corrupt
    /// event, <see cref="BinlogUnsupportedException"/> for server settings this reader refuses, and
    /// <see cref="TimeoutException"/> when heartbeats stop arriving.
    /// </summary>
    public async IAsyncEnumerable<SourceTransaction> ReadAsync(BinlogStartPosition start, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await using var stream = await BinlogEventStream.OpenAsync(_options, start, cancellationToken).ConfigureAwait(false);
        Flavor = stream.Flavor;
        using var assembler = new TransactionAssembler(stream.Flavor, start, _schemas, _includeTable, _spill);
        await foreach (var e in stream.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var transaction = await assembler.AcceptAsync(e, cancellationToken).ConfigureAwait(false);
            if (transaction is not null) yield return transaction;
        }
    }
}
