using OmsSync.Engine.Mapping;
using OmsSync.Engine.Model;
using Xunit;

namespace OmsSync.Engine.Tests.Mapping;

/// <summary>Domain CHECK constraints as PostgreSQL prints them, translated to MySQL only where they mean the same there.</summary>
public sealed class DomainCheckTests
{
    private static ColumnSchema Column(string dataType, string columnType) => new() { Name = "c", Ordinal = 1, DataType = dataType, ColumnType = columnType };

    [Theory]
    [InlineData("CHECK (((VALUE >= 1901) AND (VALUE <= 2155)))", "integer", "((`c` >= 1901) AND (`c` <= 2155))")]
    [InlineData("CHECK (((VALUE >= ('-1'::integer)::numeric) AND (VALUE <= 100.5)))", "numeric", "((`c` >= -1) AND (`c` <= 100.5))")]
    [InlineData("CHECK ((((VALUE > '-1'::integer) AND (NOT (VALUE = 5))) OR (VALUE <> ALL (ARRAY[7, 8]))))", "integer",
        "(((`c` > -1) AND (NOT (`c` = 5))) OR (`c` NOT IN (7, 8)))")]
    [InlineData("CHECK (((VALUE)::text <> ''::text))", "character varying", "(CAST(`c` AS BINARY) <> '')")]
    [InlineData("CHECK (((VALUE)::text = ANY ((ARRAY['a'::character varying, 'it''s'::character varying])::text[])))", "character varying",
        "(CAST(`c` AS BINARY) IN ('a', 'it''s'))")]
    [InlineData("CHECK ((VALUE IS NOT NULL))", "text", "(`c` IS NOT NULL)")]
    [InlineData("CHECK ((VALUE BETWEEN 1 AND 10))", "bigint", "(`c` BETWEEN 1 AND 10)")]
    [InlineData("CHECK ((VALUE NOT IN (1, 2)))", "smallint", "(`c` NOT IN (1, 2))")]
    public void TranslatableChecksBecomeMySqlConditions(string definition, string dataType, string expected)
    {
        Assert.Equal(expected, DomainCheck.ToMySql(definition, Column(dataType, dataType), out var reason));
        Assert.Equal("", reason);
    }

    [Theory]
    [InlineData("CHECK ((array_length(VALUE, 1) < 5))", "array", "array_length")]
    [InlineData("CHECK ((VALUE > 'a'::text))", "text", "collation")]
    [InlineData("CHECK ((VALUE > (0.5)::double precision))", "double precision", "cast of 0.5 to double precision")]
    [InlineData("CHECK ((VALUE > '2000-01-01'::date))", "date", "to date")]
    [InlineData("CHECK ((VALUE > 0))", "real", "certainty")]
    [InlineData("CHECK (((VALUE)::text ~ '^[a-z]+$'::text))", "text", "~")]
    [InlineData("CHECK ((VALUE > 0)) NOT VALID", "integer", "NOT VALID")]
    [InlineData("CHECK ((VALUE = '5'::text))", "integer", "certainty")]
    [InlineData("CHECK ((VALUE <> E'a\\\\b'::text))", "text", "E'")]
    [InlineData("CHECK ((VALUE > 1e5))", "integer", "1e5")]
    public void OtherChecksAreLeftOutWithTheReason(string definition, string dataType, string why)
    {
        Assert.Null(DomainCheck.ToMySql(definition, Column(dataType, dataType), out var reason));
        Assert.Contains(why, reason);
    }
}
