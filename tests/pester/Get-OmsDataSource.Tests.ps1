BeforeDiscovery { . $PSScriptRoot/CmdletContract.ps1 }
BeforeAll {
    Import-Module $PSScriptRoot/TestKit.psm1 -Force
    Import-OmsSyncModule
    $stateHome = New-TestHome
}
AfterAll { Remove-TestHome $stateHome }

Describe 'Get-OmsDataSource' {
    Test-CmdletContract Get-OmsDataSource -Parameters Name -ByValue Name -ByPropertyName Name

    Context 'listing' -Tag Integration {
        BeforeAll {
            $prefix = New-TestName list
            $names = 'b', 'a', 'c' | ForEach-Object { "$prefix-$_" }
            foreach ($n in $names) { $null = New-OmsDataSource $n -Type MariaDb -Server h -Credential (New-TestCredential u p) }
        }
        It 'lists every data source in name order without -Name' {
            $listed = (Get-OmsDataSource).Name | Where-Object { $_ -like "$prefix-*" }
            $listed | Should -Be ($names | Sort-Object)
        }
        It 'filters by wildcard' {
            (Get-OmsDataSource "$prefix-[ab]").Name | Should -Be "$prefix-a", "$prefix-b"
        }
        It 'takes names from the pipeline by value and by property name' {
            ("$prefix-a", "$prefix-c" | Get-OmsDataSource).Name | Should -Be "$prefix-a", "$prefix-c"
            ([pscustomobject]@{ Name = "$prefix-b" } | Get-OmsDataSource).Name | Should -Be "$prefix-b"
        }
        It 'writes a non-terminating DataSourceNotFound for a plain name and goes on' {
            $found = Get-OmsDataSource 'no-such-source', "$prefix-a" -ErrorVariable e -ErrorAction SilentlyContinue
            $found.Name | Should -Be "$prefix-a"
            $e[0].FullyQualifiedErrorId | Should -BeLike 'DataSourceNotFound,*'
            "$($e[0].CategoryInfo.Category)" | Should -Be 'ObjectNotFound'
            $e[0].TargetObject | Should -Be 'no-such-source'
        }
        It 'finds nothing, silently, for a wildcard that matches nothing' {
            Get-OmsDataSource 'nothing-like-this-*' -ErrorVariable e | Should -BeNullOrEmpty
            $e | Should -BeNullOrEmpty
        }
    }
}
