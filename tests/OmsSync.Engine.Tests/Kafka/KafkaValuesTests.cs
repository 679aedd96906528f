using System.Buffers;
using System.Text;
using System.Text.Json;
using OmsSync.Engine.Kafka;
using OmsSync.Engine.Model;
using OmsSync.Engine.MySql.Values;
using Xunit;

namespace OmsSync.Engine.Tests.Kafka;

/// <summary>How a value is written in each message format, and how the full copy's text reads back as the binlog's value.</summary>
public sealed class KafkaValuesTests
{
    private static ColumnSchema Column(string dataType, string columnType, string? charset = null) =>
        new() { Name = "c", Ordinal = 1, DataType = dataType, ColumnType = columnType, Charset = charset };

    private static string Debezium(object? value)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, KafkaValues.WriterOptions)) KafkaValues.WriteDebezium(writer, value);
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    [Theory]
    [InlineData("bigint", "bigint(20) unsigned", "18446744073709551615", "18446744073709551615")]
    [InlineData("int", "int(11)", "-2147483648", "-2147483648")]
    [InlineData("decimal", "decimal(10,2)", "-12.50", "\"-12.50\"")]
    [InlineData("float", "float", "0.12345670163631439", "0.1234567")]
    [InlineData("date", "date", "1970-01-02", "1")]
    [InlineData("date", "date", "0000-00-00", "null")]
    [InlineData("time", "time(6)", "-838:59:59.999999", "-3020399999999")]
    [InlineData("datetime", "datetime(3)", "1970-01-01 00:00:01.500", "1500000")]
    [InlineData("timestamp", "timestamp(6)", "2038-01-19 03:14:07.999999", "\"2038-01-19T03:14:07.999999Z\"")]
    [InlineData("timestamp", "timestamp", "0000-00-00 00:00:00", "null")]
    [InlineData("year", "year(4)", "1901", "1901")]
    [InlineData("bit", "bit(1)", "1", "true")]
    [InlineData("bit", "bit(16)", "258", "\"AgE=\"")]
    [InlineData("enum", "enum('a','c d')", "c d", "\"c d\"")]
    [InlineData("set", "set('x','y','z')", "x,z", "\"x,z\"")]
    public void TheCopysTextIsWrittenAsDebeziumDefinesTheType(string dataType, string columnType, string text, string json) =>
        Assert.Equal(json, Debezium(ColumnText.Parse(Column(dataType, columnType), Encoding.UTF8.GetBytes(text))));

    [Fact]
    public void TextKeepsItsCharsetAndBinaryIsBase64()
    {
        var latin1 = Encoding.Latin1.GetBytes("café ÿ");
        Assert.Equal("\"café ÿ\"", Debezium(ColumnText.Parse(Column("varchar", "varchar(40)", "latin1"), latin1)));
        Assert.Equal("\"AP8=\"", Debezium(ColumnText.Parse(Column("varbinary", "varbinary(4)"), [0x00, 0xFF])));
    }

    [Fact]
    public void ASpatialValueIsItsWkbAndSrid()
    {
        var bytes = new byte[] { 0xE6, 0x10, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xF8, 0x3F, 0, 0, 0, 0, 0, 0, 2, 0xC0 };
        using var json = JsonDocument.Parse(Debezium(new MySqlGeometry(bytes)));
        Assert.Equal(4326, json.RootElement.GetProperty("srid").GetInt32());
        Assert.Equal(Convert.ToBase64String(bytes.AsSpan(4)), json.RootElement.GetProperty("wkb").GetString());
    }

    [Theory]
    [InlineData(1.5, "1.5")]
    [InlineData(0.30000000000000004, "0.30000000000000004")]
    public void CanalWritesNumbersAsTheShortestTextThatReadsBack(double value, string text) => Assert.Equal(text, KafkaValues.Text(value));

    [Fact]
    public void CanalWritesTemporalValuesAsTheServerPrintsThem()
    {
        Assert.Equal("2024-02-29 12:34:56.000001", KafkaValues.Text(new MySqlDateTime(2024, 2, 29, 12, 34, 56, 1, 6)));
        Assert.Equal("1970-01-01 00:00:01.000001", KafkaValues.Text(new MySqlTimestamp(1, 1, 6)));
        Assert.Equal("255", KafkaValues.Text(new MySqlBit(255, 8)));
        Assert.Null(KafkaValues.Text(null));
    }
}
