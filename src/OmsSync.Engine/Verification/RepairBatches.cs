using System.Data.Common;
using System.Text;

namespace OmsSync.Engine.Verification;

/// <summary>Runs a table's repair statements in one transaction, sent in batches of about a megabyte.</summary>
internal static class RepairBatches
{
    private const int BatchBytes = 1 << 20;

    public static async Task RunAsync(DbConnection connection, IReadOnlyList<string> statements, CancellationToken cancellationToken)
    {
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var batch = new StringBuilder();
        foreach (var statement in statements)
        {
            batch.Append(statement).Append(';');
            if (batch.Length > BatchBytes)
                await ExecuteAsync(connection, transaction, batch, cancellationToken).ConfigureAwait(false);
        }
        await ExecuteAsync(connection, transaction, batch, cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task ExecuteAsync(DbConnection connection, DbTransaction transaction, StringBuilder batch, CancellationToken cancellationToken)
    {
        if (batch.Length == 0) return;
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = batch.ToString();
        batch.Clear();
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
